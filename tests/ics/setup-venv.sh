#!/usr/bin/env bash
# Installs the independent calendar readers the tests use (tests/ics/check_ics.py: the Python
# packages icalendar, vobject and ics; busy_instances.py: icalendar, dateutil, x-wr-timezone) and the CalDAV servers the sync tests start (Radicale,
# Xandikos),
# pinned in tests/ics/requirements.txt, into a virtualenv
# in the cargo target directory, `${CARGO_TARGET_DIR:-target}/ics-venv`, where the tests look
# for it. Run from anywhere:
#   bash tests/ics/setup-venv.sh
#
# Idempotent and quiet: does nothing when the virtualenv already holds exactly these
# requirements. Needs python3 (3.9 or newer) with the venv module; scripts/setup.sh installs it
# on Debian and Ubuntu.
set -euo pipefail

say() { printf 'ics-venv: %s\n' "$*" >&2; }

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
venv="$target/ics-venv"
requirements="$root/tests/ics/requirements.txt"
stamp="$venv/requirements.installed"
python="${PYTHON:-python3}"

if [[ -x "$venv/bin/python" ]] && cmp -s "$requirements" "$stamp" 2>/dev/null; then
    say "up to date ($venv)"
    exit 0
fi

if ! command -v "$python" >/dev/null 2>&1; then
    say "$python is not on PATH; install Python 3 with its venv module (bash scripts/setup.sh)"
    exit 1
fi

say "installing the calendar readers into $venv"
mkdir -p "$target"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    --requirement "$requirements"
# Fail here, not in the tests, if the installation is unusable.
"$venv/bin/python" -c 'import icalendar, ics, vobject, x_wr_timezone, radicale, xandikos'
cp "$requirements" "$stamp"
say "done: $("$venv/bin/python" -c 'import icalendar, vobject, ics; import radicale; print("icalendar", icalendar.__version__, "/ vobject", vobject.VERSION, "/ ics", ics.__version__, "/ radicale", radicale.VERSION)' 2>/dev/null || echo installed)"
