#!/usr/bin/env bash
# Installs what building studyplan needs besides Rust: CMake and libclang, used by highs-sys to
# build the HiGHS solver from source and to generate its bindings; and Python 3 with its venv
# module, which the tests use to run independent calendar readers (tests/ics/setup-venv.sh).
#
# Idempotent: does nothing when all are already present. Supports Debian and Ubuntu (apt-get);
# elsewhere it says what to install and fails. Runs apt-get as root, or through sudo when sudo
# is available.
set -euo pipefail

say() { printf 'setup: %s\n' "$*" >&2; }

have_cmake() { command -v cmake >/dev/null 2>&1; }

have_python_venv() {
    command -v python3 >/dev/null 2>&1 && python3 -c 'import ensurepip, venv' >/dev/null 2>&1
}

have_libclang() {
    # bindgen finds libclang through LIBCLANG_PATH, or in the usual places on Debian/Ubuntu.
    local f
    if [[ -n "${LIBCLANG_PATH:-}" ]]; then
        for f in "$LIBCLANG_PATH"/libclang*.so*; do
            [[ -e "$f" ]] && return 0
        done
    fi
    for f in /usr/lib/llvm-*/lib/libclang*.so* /usr/lib/x86_64-linux-gnu/libclang*.so* \
        /usr/lib/aarch64-linux-gnu/libclang*.so* /usr/lib64/libclang*.so* /usr/lib/libclang*.so*; do
        [[ -e "$f" ]] && return 0
    done
    return 1
}

if ! command -v cargo >/dev/null 2>&1; then
    say "note: cargo is not on PATH; install Rust from https://rustup.rs before building"
fi

if have_cmake && have_libclang && have_python_venv; then
    say "cmake, libclang and python3-venv are installed; nothing to do"
    exit 0
fi

missing=()
have_cmake || missing+=(cmake)
have_libclang || missing+=(libclang)
have_python_venv || missing+=(python3-venv)
say "missing: ${missing[*]}"

if ! command -v apt-get >/dev/null 2>&1; then
    say "this script installs them with apt-get (Debian/Ubuntu), which this system does not have."
    say "install CMake (3.15 or newer) and libclang with your package manager, e.g."
    say "  Fedora: sudo dnf install cmake clang-devel python3"
    say "  Arch:   sudo pacman -S cmake clang python"
    say "  macOS:  brew install cmake llvm python   (and export LIBCLANG_PATH=\$(brew --prefix llvm)/lib)"
    say "then run the build again."
    exit 1
fi

if [[ "$(id -u)" -eq 0 ]]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
    say "installing with sudo (you may be asked for your password)"
else
    say "not running as root and sudo is not available; as root, run:"
    say "  apt-get update && apt-get install -y --no-install-recommends cmake libclang-dev python3-venv"
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
say "apt-get update"
"${sudo[@]}" apt-get update -qq >/dev/null
say "apt-get install cmake libclang-dev python3-venv"
"${sudo[@]}" apt-get install -y -qq --no-install-recommends cmake libclang-dev python3-venv >/dev/null

if have_cmake && have_libclang && have_python_venv; then
    say "done: $(cmake --version | head -n 1), libclang and python3-venv installed"
else
    say "apt-get finished but cmake, libclang or python3-venv is still missing; check the output above"
    exit 1
fi
