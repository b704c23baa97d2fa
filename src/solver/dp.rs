//! An exact answer without the MIP, for the plans where the path's order tells everything.
//!
//! Under the path-order rule the items of one section and kind start in path order. So what a
//! plan has done of a section by the end of a day is told by three counts (how far along its
//! chain of required, of optional and of reference items it is) and by the items it has
//! started and not finished: an item longer than the session limit is split into parts, each
//! on its own day, in order, and only its first part follows the path's order, so the next
//! item may start while its later parts wait. Required items all start, so their count is how
//! many have; an optional or reference count is how many items are decided, started or left
//! out (those left out are simply absent from the order). Optional and reference counts rise
//! only once every required item is done, every part placed (required before optional). A
//! plan is then a walk through these states, slot by slot, where a slot's step places any of
//! the next parts of the items started (one a day each) and starts some of the next items of
//! the sections: all the next required items it starts, and any of the next optional and
//! reference items, those passed over left out for good. Required items may start, and their
//! parts go, after their windows (late); optional and reference items only inside them, every
//! part.
//!
//! A step costs, field by field in the contract's priority order ([`Cost`]): required minutes
//! outside their windows, late minute-days, optional and then reference minutes left out,
//! sessions of a replan moved from their previous day, and day × minutes. An optional or
//! reference item counts as scheduled when it starts: a state whose item cannot place its
//! last part inside the window leads nowhere. The cheapest walk that places every required
//! part is the exact optimum at every level, found as a shortest path. Steps with the same end
//! state and the same cost lead to the same place, whichever items they pass over, so a
//! chain's step is one of its kind: (count after, room, minutes, item minutes, sessions kept,
//! items started with parts to place).
//!
//! Two walks, the first to help the second:
//! - a narrow walk keeps the [`BEAM`] most promising states of each slot ([`FIRST_BEAM`]
//!   first, see [`narrow_widening`]) and finds a good plan quickly;
//! - the whole walk follows only the states that can still end no costlier than the best plan
//!   at hand ([`Bounds`]: the warm start or the narrow walk's plan). Where it cannot finish,
//!   the least bound of the states of each slot it went through still bounds every plan
//!   ([`Bounds::floor`]), and the plan the MIP alongside it finds is measured against that.
//!
//! A third walk used to come first: every item inside its window, whose plan, when it found
//! one, was the optimum. It had no plan at hand to leave states out by their earliness, and
//! the whole walk after the narrow one needs far fewer steps: on the bundled path at 3 h a day
//! 1,500 steps against 464,000 (0.04 s instead of 0.20 s whole-process), and under
//! `--any-order` at 1.15 h it ran out of its limits after 2.4 s where the two walks then took
//! 0.05 s (BENCHMARKS.md, session 43).
//!
//! In path order a section's items that start on one slot are a stretch of its chain, and the
//! room two neighbours cannot share is lost. The bound on the required minutes outside their
//! windows sees that through prices of each slot's room ([`Prices`]): at 0.6 h a day on the
//! bundled path it went from 240 to 305 minutes before any step (every plan loses 330), and
//! the whole walk from 5–10 s to 0.6 s. Where the walk for priority 1 applies
//! ([`super::inside`]), the bound is exact ([`Bounds::lost_ahead`]), and its plan, late parts
//! placed after it, is the plan at hand before any walk: the walks then keep only the states
//! that can still reach the best priority 1, and the narrow walk takes every step
//! ([`Mode::Beam`]).
//!
//! The walks that may leave items out also drop a state when another of its slot is further
//! along one chain, or has placed one more part of an item, and costs no more than it plus
//! the least its walks pay for the items or the part between ([`Bounds::dominate`]). With
//! the late work of several sections open at once, most states differ so: at 0.6 h a day on
//! the bundled path the whole walk's states of slot 30 went from 15,212 to 614. What the
//! walks behind pay for a required item past its window counts its minutes outside and late
//! too, or the state ahead (which has paid them) would never drop one behind after the last
//! window has ended, where the slow proofs spent nearly all of their time. There the late
//! minute-days are also bounded by how many parts of each size the slots hold
//! ([`Bounds::late_by_sizes`]): the slipped replan at 0.5 h a day kept 5,443 states at its
//! largest slot instead of 8,465. After the last window every part costs the same whatever its
//! item, so the walk also bounds the late work by the weight the slots hold and the order the
//! chains force ([`Bounds::late_in_order`]), and keeps one of the states whose work left is
//! the same but for its sections ([`Bounds::merge_alike`]). The path at 0.5 h a day then kept
//! at most 274 states a slot after its last window instead of about 4,000, and the replan
//! after the `finished` slip at 0.5 h, which stopped open at 10 s, at most 4,153 instead of
//! more than 18,000 (with the weights alone), and is proven; at most 3,140 once states that
//! differ only in the previous slots of their work left are compared too. The order the chains
//! force bounds the late work before the last window too (a part inside its window counts less
//! than 0 there), and it counts the parts a slot holds as well as their weight: at 0.35 h a day
//! the path, open at 10 s, was then proven in about 4 s. Before the last window, items split
//! into parts also leave many states that differ only in which items have their last part still
//! to place: of those whose parts left are as long, the whole walk keeps the ones whose parts
//! left are due no earlier, where they cost no more ([`Bounds::swap_dominate`]). At 0.35 h a
//! day it then kept 408 states at slot 59 instead of 3,700, and proved the plan in 0.8 s
//! instead of 3.6 s (1.3 s whole-process, the MIP no longer started beside it).
//!
//! On a generated 12-section path at 1 h a day (2 at weekends) the whole walk took 20 million
//! steps and 8.6 s with the warm start alone (its optional minutes 250 below the optimum's),
//! and 0.15 million with the narrow walk's plan (the optimum itself).
//!
//! The MIP's LP bound on these plans is weak: it runs a fraction of a whole stretch of a
//! section's items on each of two days, where whole items cannot share one day. At 1 h a day
//! on the bundled path the LP bound was 170,520 minute-days, the optimum 171,385, and HiGHS
//! needed 30–60 s to prove it. The walk has no such gap.
//!
//! The walk goes slot by slot, so study windows, busy calendars and breaks (several free gaps
//! a day) are covered too: a slot's step holds no more than its gap's room, and the steps of
//! one day no more than the day's study minutes together, which a state then carries.
//!
//! Under `--any-order` the items of a section start in any order, but items alike (same
//! section, kind, parts, window, release and days to avoid) can trade places at no cost, so
//! some best plan starts them in path order: each class of them is a chain, a walk's section
//! of its own whose optional and reference items wait for every class of required items of
//! its section ([`chains`], [`Section::needs`]). There the walks race the MIP from the start
//! ([`walk_unordered`]): they prove the bundled path at 0.7 to 0.95 h a day, where the MIP
//! stopped open, and lose to it where many items fit a day. Where most days hold late work
//! they lost every race, and do not run ([`may_win_the_race`]).
//!
//! It applies only where the counts tell everything, and [`solve`] returns `None` otherwise:
//! every task with a window and without prerequisites, and no section waiting for another.
//! The states of the sections open on a day multiply, so a path whose windows overlap heavily
//! can have too many: past [`MAX_STATES`] (or [`MAX_SLOT_BYTES`]) in one slot, or
//! [`MAX_KEPT_BYTES`] in all, the walk gives up and the MIP decides.

use super::greedy::complete_required;
use super::inside::{Ahead, Inside};
use super::{gcd, Alike, Levels, Problem, Stop, Task};
use crate::path::Kind;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeMap;

/// States (combinations of the open sections' counts) one day may hold before the walk gives
/// up and leaves the problem to the MIP.
const MAX_STATES: usize = 200_000;
/// Bytes one slot's states may take, as [`MAX_KEPT_BYTES`] counts them (a generated path at
/// 0.75 h a day, 1 h at weekends, under `--any-order`, peaked at 263 MiB without it). On the
/// bundled path this binds before [`MAX_STATES`] in path order too: about 154 bytes a state
/// there, so about 163,000 states. At 32 MiB (about 218,000) [`MAX_STATES`] bound first, and
/// `--any-order` at 0.6 and 0.65 h a day, which the MIP proves while the walk runs beside it,
/// peaked at 98–100 MiB; at 24 MiB at 85–88 MiB. The four sweeps, the generated paths and the
/// replans proved the same settings with the same plans both ways (one run each, BENCHMARKS.md,
/// session 34).
const MAX_SLOT_BYTES: usize = 24 << 20;
/// Steps (state × choice of the day's items) the whole walk may take before it gives up.
const MAX_STEPS: u64 = 50_000_000;
/// Bytes the states of all slots together (kept for the way back) may take, their keys' counts
/// included: about 160 a state on the bundled path in path order (12 sections, 36 counts), and
/// 530 under `--any-order` (74 sections, 222 counts). Without a cap a replan under
/// `--any-order`, every item a chain of its own, kept 170 MiB. At 96 MiB the proven
/// `--any-order` plans of the bundled path at 1.05 and 1.15 h a day, and at 0.9 h with double
/// weekends, peaked at 102–115 MiB; at 48 MiB at 90–98 MiB, in about the same time, and one
/// run of each sweep proved the same settings both ways (session 33). At 40 MiB 1.05 h peaked
/// at 88–90 MiB instead of 92–95 (three runs each), and the sweeps, the generated paths and
/// the replans proved the same settings with the same plans (one run each, session 34). At
/// 32 MiB the walk that proves 0.55 h with double weekends gives up, and the plan stays open
/// at 10 s (BENCHMARKS.md, session 33).
const MAX_KEPT_BYTES: usize = 40 << 20;
/// Slots between the states of a plan that get prices of their own ([`Bounds::price`]).
const PRICED: usize = 7;
/// Items of one section ahead that [`Bounds::dominate`] looks for.
const AHEAD: usize = 3;
/// States per slot of the narrow walk that finds a good plan before the whole walk.
const BEAM: usize = 200;
/// States per slot of the narrow walk that runs first, before the [`BEAM`]-wide one
/// ([`narrow_widening`], [`walk_in_turn`]).
const FIRST_BEAM: usize = BEAM / 8;
/// How many times the first narrow walk's steps the [`BEAM`]-wide one takes after it, about:
/// most often 6–9 times on the generated paths of the bench (0.4–12 in all), 0.8–6 times on the
/// bundled path at 0.35–0.45 h a day (BENCHMARKS.md, session 69).
const WIDER_TAKES: f64 = 8.0;
/// Steps a narrow walk takes in a second, about: 280,000–410,000 measured on the bundled and the
/// generated paths (session 69), so [`narrow_widening`] counts a little under that. A count, not
/// the clock, so that whether the wider walk runs does not depend on the machine.
const STEPS_A_SECOND: f64 = 250_000.0;
/// States in a row whose bound a measure by size ([`Bounds::measured`]) did not raise, after
/// which it is only tried on every [`SAMPLED`]th state, until it raises one again. The unit
/// tests' problems are small: there they stop being tried after a few states, so that the
/// tests' walks run mostly without them.
const IDLE: u32 = if cfg!(test) { 3 } else { 1000 };
/// See [`IDLE`].
const SAMPLED: u64 = if cfg!(test) { 5 } else { 16 };

/// The tasks of one section, by kind, in path order.
struct Section {
    chains: [Vec<usize>; 3],
    /// The walk's sections whose required items must all be done before this one's optional
    /// and reference items start: itself under path order; every class of required items of
    /// its section of the path under `--any-order` (see [`chains`]).
    needs: Vec<usize>,
    /// Per chain and slot: one more than the last item of the chain that may start there in
    /// the walks that may leave items out (0: none). A section whose counts are past these on
    /// every chain, with no part to place, has nothing to do on the slot.
    startable: [Vec<u16>; 3],
    /// Per chain: the first slot whose step may raise its count (an item starts, or is passed
    /// by at its window's end). Before it every state's count is 0, and [`Bounds::dominate`]
    /// need not look for one further along: under `--any-order` at 0.8 h a day on the bundled
    /// path that was three look-ups of a whole key for each of the 222 chains of every state.
    opens: [u32; 3],
    /// Per chain and count: the minutes of the chain's items from that count on.
    rest: [Vec<u32>; 3],
    /// Per chain: the last window end of its items.
    end: [u32; 3],
    /// The windows of the required items (first day they may start, last day), each once, by
    /// end.
    windows: Vec<(u32, u32)>,
    /// Per count of required items started: the minutes of the required items from that count
    /// on with each of `windows`.
    by_window: Vec<Vec<u32>>,
    /// Per count of required items started, and per window: how many parts of those items
    /// take each of the sizes of [`sizes`] (empty where there are none), as
    /// [`Bounds::histograms`] lists them: copied, not worked out for every state. On the
    /// replan after the `finished` slip at 0.5 h a day that took the histograms from 0.87 to
    /// 0.41 billion instructions (callgrind).
    by_size: Vec<Vec<Vec<u64>>>,
}

/// What a walk has cost so far, compared field by field in the contract's priority order;
/// less is better in each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Cost {
    /// Required minutes started outside their windows (priority 1).
    outside: u32,
    /// Σ late minutes × days past the window's end (priority 2).
    late: u64,
    /// Optional minutes, then reference minutes, not (yet) started (priority 3).
    optional: u32,
    reference: u32,
    /// Sessions of a replan not (yet) on their previous day.
    moved: u32,
    /// Σ minutes × day (priority 4).
    earliness: u64,
    /// Σ minutes × slot: of two plans equal at every level, the one whose days fill their
    /// earlier free gaps first (a tie-break, as path order is).
    within: u64,
}

/// A [`Cost`] as [`Bounds::merge_alike`] compares states: field by field, late minute-days less
/// those the work left owes whatever happens (which may be less than 0).
type Rank = (u32, i128, u32, u32, u32, u64, u64);

/// A state as [`Bounds::merge_alike`] judges it: its key, its [`Rank`], the pieces of its work
/// to come (a section's rest or an item started, by class with previous slots) with the
/// sessions each may still keep, and the ids of the classes of all its work to come, with
/// previous slots (fine) and without (coarse).
struct Judging<'k> {
    key: &'k [u16],
    rank: Rank,
    pieces: Vec<([u32; 4], u32)>,
    classes: [u32; 2],
}

impl Judging<'_> {
    /// How many more sessions this state's work to come may keep than `other`'s, whose coarse
    /// class is the same: its pieces that `other` has not as well, one for one, may keep all
    /// theirs where the other's keep none; those alike keep the same.
    fn may_keep_beyond(&self, other: &Judging) -> u32 {
        let (mut more, mut theirs) = (0, other.pieces.iter().peekable());
        for (piece, keep) in &self.pieces {
            while theirs.next_if(|(p, _)| p < piece).is_some() {}
            if theirs.next_if(|(p, _)| p == piece).is_none() {
                more += keep;
            }
        }
        more
    }

    /// Whether `other`, alike with this state at least without previous slots, leads
    /// everywhere this one does at no more cost: less at levels 1 to 4, or the same there and
    /// no more below even were this one to keep every session it may that `other` may not.
    fn beaten_by(&self, other: &Judging) -> bool {
        let first = |r: &Rank| (r.0, r.1, r.2, r.3);
        let (theirs, ours) = (&other.rank, &self.rank);
        let hoped = ours.4.saturating_sub(self.may_keep_beyond(other));
        first(theirs) < first(ours)
            || first(theirs) == first(ours)
                && (theirs.4, theirs.5, theirs.6) <= (hoped, ours.5, ours.6)
    }
}

/// What one slot's step adds: minutes started by kind, required minutes outside their windows
/// and late minute-days, and sessions on their previous day.
#[derive(Clone, Copy, Default)]
struct Added {
    minutes: [u32; 3],
    outside: u32,
    late: u64,
    kept: u32,
}

/// One state of a slot: the counts of every section, the day's minutes used so far and the
/// items with parts still to place ([`Open`]), its cost, and the index of the state before it
/// in the slot before.
type State = (Box<[u16]>, Cost, u32);

/// A state as [`Bounds::swap_dominate`] compares it: its cost, its parts left in order, its key.
struct Swapped {
    cost: Cost,
    ends: Vec<Ends>,
    key: Box<[u16]>,
}

/// What a required item's last part left must share with its counterpart in
/// [`Bounds::swap_dominate`]: its minutes, whether its item has a part on the slot's day, and
/// the walk's section where that matters.
type LastPart = (u32, bool, usize);

/// Where [`Bounds::swap_dominate`] ranks a required item's last part left: its window's end,
/// then its chain and index.
type Ends = (u32, u16, u16);

/// A slot's states: key → (cost, index of the state before in the slot before).
type Slot = HashMap<Box<[u16]>, (Cost, u32)>;

/// An item started whose parts are not all placed: its chain (`section × 3 + kind`), its place
/// in the chain, how many of its parts are placed, and whether one of them is on the slot's
/// day (the next may only go on a later day). A state's key lists them after the counts and
/// the day's minutes, sorted, three numbers each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Open {
    at: u16,
    index: u16,
    placed: u16,
    today: bool,
}

impl Open {
    const TODAY: u16 = 1 << 15;

    fn encode(self, key: &mut Vec<u16>) {
        key.extend([
            self.at,
            self.index,
            self.placed | if self.today { Open::TODAY } else { 0 },
        ]);
    }

    /// The task of this item.
    fn task(self, sections: &[Section]) -> usize {
        sections[usize::from(self.at / 3)].chains[usize::from(self.at % 3)][usize::from(self.index)]
    }

    /// The items with parts still to place of a state's key (`width` counts before them).
    fn decode(key: &[u16], width: usize) -> impl Iterator<Item = Open> + '_ {
        key[(width + 1).min(key.len())..]
            .chunks_exact(3)
            .map(|x| Open {
                at: x[0],
                index: x[1],
                placed: x[2] & !Open::TODAY,
                today: x[2] & Open::TODAY != 0,
            })
    }
}

/// One part of a task: (task, part).
type Part = (usize, usize);

/// Kinds in the order of a section's counts.
const KINDS: [Kind; 3] = [Kind::Required, Kind::Optional, Kind::Reference];

/// The two walks (see the module's notes), the narrow one in two forms.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Items may be left out and required items late; the [`BEAM`] best states of a slot, with
    /// one item of a chain at a time with parts still to place.
    Narrow,
    /// As [`Mode::Narrow`], with every step: where the bound on priority 1 is exact
    /// ([`Bounds::lost_ahead`]), states that pile up first parts rank low.
    Beam,
    /// Items may be left out and required items late; every state that may beat the plan at
    /// hand.
    Best,
}

/// What the walks found: the exact optimum at every level as days (slots) per task, when the
/// problem is one they cover and they did not give up; and what the other solve run alongside
/// them returned, when it ran.
pub(super) struct Walked<T> {
    pub optimum: Option<Vec<Option<Vec<u32>>>>,
    pub alongside: Option<T>,
    /// The least any plan has at priorities 1 and 2, by the walk's bounds before any step (see
    /// [`Bounds::least`]) and by the states of the whole walk where it ran ([`Bounds::floor`]):
    /// what a plan that is not proven can be measured against. `None` where the walks do not
    /// apply.
    pub least: Option<Least>,
}

/// Lower bounds of every plan at priorities 1 and 2 (see [`Bounds::least`]), and the least of
/// any plan in the priorities' order by the whole walk's states, where it ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Least {
    /// Required minutes outside their windows.
    pub outside: u64,
    /// Late minute-days.
    pub late: u64,
    /// Required minutes outside, then late minute-days, of [`Bounds::floor`]: every plan has
    /// at least those minutes outside, and a plan with just those at least those late
    /// minute-days. (One with more outside may have fewer late.)
    pub floor: Option<(u64, u64)>,
}

impl Least {
    /// The stronger of two, field by field (of two floors, the greater in the priorities'
    /// order: each bounds every plan so).
    fn max(self, other: Least) -> Least {
        Least {
            outside: self.outside.max(other.outside),
            late: self.late.max(other.late),
            floor: self.floor.max(other.floor),
        }
    }

    /// These bounds with the whole walk's [`Bounds::floor`], where it has one.
    fn with_floor(self, bounds: &Bounds<'_>) -> Least {
        Least {
            floor: bounds.floor().map(|f| (u64::from(f.outside), f.late)),
            ..self
        }
    }

    /// The least required minutes outside their windows of any plan.
    pub fn outside(&self) -> u64 {
        self.floor.map_or(self.outside, |f| f.0.max(self.outside))
    }

    /// The least late minute-days of a plan with `outside` required minutes outside their
    /// windows.
    pub fn late_with(&self, outside: u64) -> u64 {
        match self.floor {
            Some((at, late)) if at == outside => late.max(self.late),
            _ => self.late,
        }
    }
}

/// Walk the problem (see the module's notes), with `alongside` (the MIP) where the walks may
/// not finish.
///
/// The walk goes slot by slot (a slot is a day, or one free gap of a day with study windows or
/// busy calendars). With several gaps a day the day's study minutes bound all of them
/// together, so a state also carries the minutes its day has used so far.
/// It stops once `seconds` have passed, so the time limit holds whatever it meets.
///
/// `known` is a plan already at hand (the warm start): no walk that ends up costlier is
/// followed (see [`Bounds`]). `alongside` gets what the walks found ([`Handed`]) and a
/// [`Stop`], and runs on this thread: at once where the walks do not apply or give up, and
/// alongside the whole walk (on a thread of its own) where that one has not finished in its
/// share of the time. Then the first to end decides: the whole walk raises the `Stop` when it
/// has the optimum (the MIP then stops), and the MIP's end raises it for the walk. Where
/// `alongside` runs alone its `Stop` is `outer`, the caller's: raised, it ends the walks and
/// `alongside` alike. Until `alongside` starts, the walks find the bounds of a
/// large slot's states on two threads ([`Bounds::bound_all`]).
pub(super) fn solve<T>(
    problem: &Problem,
    known: &[Option<Vec<u32>>],
    seconds: f64,
    outer: &Stop,
    alongside: impl FnOnce(Handed, &Stop) -> T,
) -> Walked<T> {
    let began = std::time::Instant::now();
    let Some(sections) = sections(problem) else {
        return Walked {
            optimum: None,
            alongside: Some(alongside(Handed::default(), outer)),
            least: None,
        };
    };
    let mut bounds = Bounds::new(problem, &sections);
    bounds.improve(known);
    // Whether the plan at hand has the best priority 1.
    let mut at_best = false;
    let mut required = None;
    if bounds.ahead.is_some() {
        // The walk for priority 1, its late parts placed after it: a plan at hand of the best
        // value at priority 1, so that with the exact bound the walks keep only states that
        // can reach it.
        let ahead = bounds.ahead.as_ref().map(|(ahead, _)| ahead);
        match super::inside::required_in_windows(problem, seconds / 4.0, outer, ahead) {
            Some(walked) => {
                if let Some(plan) = complete_required(problem, &walked.1) {
                    bounds.improve(&plan);
                    at_best = true;
                }
                required = Some(walked);
            }
            // Where the walk gives up, walking it backwards from the states on would take as
            // long, and no state's bound would wait for it: on the one-year path at 1 h a day
            // the plan then took until the time limit (10 s instead of 2.8 s, the same plan).
            None => bounds.ahead = None,
        }
    }
    bounds.price(&[]);
    // Nothing of this solve runs beside the walks until the MIP joins the whole walk.
    let alone = Stop::never();
    // What a plan that is not proven is measured against.
    let mut least = bounds.least();
    // Where the whole walk cannot finish, its states grow past its limits after a few seconds,
    // and that time is the MIP's loss: the narrow walk and then the whole walk each get a
    // quarter of the limit (at least a second) alone, far more than the walks that finish take
    // (at most 1 s on the bundled path and the generated ones, BENCHMARKS.md session 16). A
    // whole walk does not finish where the narrow one ran out of time or states (the narrow
    // one may also find no plan where the plans need two items of a chain with parts to place
    // at once).
    let left = || seconds - began.elapsed().as_secs_f64();
    let share = || left().min((seconds / 4.0).max(1.0));
    let widths = [FIRST_BEAM, BEAM];
    let found = match narrow_widening(&mut bounds, widths, share(), outer, Some(&alone)) {
        Ok(found) => found,
        // The plan at hand has the best priority 1 already, and the whole walk keeps only the
        // states that can reach it: at 0.25–0.35 h a day on the bundled path, where the narrow
        // walk runs out of its share, the whole walk still reaches the last window, and the
        // bounds of its states cut the gap the plan reports from 13–14 % to 0.7–2 %.
        Err(_) if at_best => None,
        Err(_) => {
            let handed = Handed {
                found: None,
                required,
            };
            return Walked {
                optimum: None,
                alongside: Some(alongside(handed, outer)),
                least: Some(least),
            };
        }
    };
    least = least.max(bounds.least());
    // The whole walk runs on its own thread for the rest of the time limit; after its share
    // alone, the MIP joins it on this one, HiGHS on one thread (see `highs_model`), so each
    // has a core. At 0.6 h a day on the bundled path the whole walk proves the optimum in
    // about 5.3 s, where it used to stop at its share and the MIP proved level 1 and stopped
    // open at level 2 (BENCHMARKS.md, session 21).
    let handed = Handed { found, required };
    let raced = race(&bounds, handed, left(), share(), outer, alongside);
    Walked {
        least: Some(least.with_floor(&bounds)),
        ..raced
    }
}

/// The whole walk on a thread of its own for `whole` seconds; once it has run `alone` seconds
/// without an answer, `alongside` runs on this thread with `handed` and a [`Stop`] the walk
/// raises when it has the optimum. The walk stops when `alongside` returns. Where the walk
/// ends without a plan in its first `alone` seconds, `alongside` runs alone (its `Stop` is
/// `outer`). Raising `outer` ends both.
fn race<T>(
    bounds: &Bounds<'_>,
    handed: Handed,
    whole: f64,
    alone: f64,
    outer: &Stop,
    alongside: impl FnOnce(Handed, &Stop) -> T,
) -> Walked<T> {
    let stop = &Stop::within(outer);
    // Raised when `alongside` starts: the walk then has one core.
    let joined = &Stop::shared();
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::channel();
        scope.spawn(move || {
            let _beside = super::Beside::enter();
            let days = walk(bounds, Mode::Best, whole, stop, Some(joined));
            if days.is_ok() {
                stop.raise();
            }
            // The receiver has gone only when this thread's answer is no longer wanted.
            let _ = sender.send(days);
        });
        let wait = std::time::Duration::from_secs_f64(alone.max(0.0));
        let (optimum, other) = match receiver.recv_timeout(wait) {
            Ok(Ok(days)) => (Some(days), None),
            Ok(Err(_)) => (None, Some(alongside(handed, outer))),
            Err(_) => {
                joined.raise();
                let other = alongside(handed, stop);
                stop.raise();
                (receiver.recv().ok().and_then(Result::ok), Some(other))
            }
        };
        Walked {
            optimum,
            alongside: other,
            least: None,
        }
    })
}

/// Under `--any-order`, the walks in turn ([`walk_in_turn`]) with `known` at hand, for at
/// most `seconds` or until `stop` is raised; the caller races them with the MIP (see
/// [`super::solve_until`]). Each class of items alike is a chain of its own ([`chains`]):
/// many more chains than path order has (74 against 26 on the bundled path). Between 0.7 and
/// 0.95 h a day the MIP stopped open at 10 s on levels 3 and 4, and the walks prove them in
/// 0.55 to 2.1 s (BENCHMARKS.md, session 26); from 0.95 h on they prove every setting in at
/// most 0.5 s (session 43). They run only where they may win ([`may_win_the_race`]);
/// elsewhere only the bound is returned.
pub(super) fn walk_unordered(
    problem: &Problem,
    known: &[Option<Vec<u32>>],
    seconds: f64,
    stop: &Stop,
) -> Walked<()> {
    let Some(sections) = sections(problem) else {
        return Walked {
            optimum: None,
            alongside: None,
            least: None,
        };
    };
    let mut bounds = Bounds::new(problem, &sections);
    bounds.improve(known);
    bounds.price(&[]);
    let least = bounds.least();
    let optimum = if may_win_the_race(problem, &least) {
        // While they run, the MIP's levels have one core.
        let _beside = super::Beside::enter();
        walk_in_turn(&mut bounds, seconds, stop).ok()
    } else {
        None
    };
    // The narrow walk's prices may have raised it, and the whole walk's states.
    let least = least.max(bounds.least());
    Walked {
        optimum,
        alongside: None,
        least: Some(least.with_floor(&bounds)),
    }
}

/// Whether the walks race the MIP under `--any-order` ([`walk_unordered`]): not where the
/// bound before any step puts more than two fifths of the required minutes outside their
/// windows. There late work fills most days, its states multiply, and the walks lost every
/// race measured, holding a core until the MIP had proven the plan: on the bundled path at
/// 0.25 to 0.35 h a day (53 to 44 % outside) and at 0.25 h with double weekend hours (64 %),
/// and on the generated 12-section paths of the bench at 0.35 h + 0.5 h at weekends (41 to
/// 46 %, seeds 1 to 5). Where they won it was at most 34 % (seed 4 at 0.5 h + 1 h: 1,058
/// of 3,155 minutes). Where they do not race, the MIP's levels have both cores (see
/// `model::run_level`). Either way the plan is the one proven first: this only decides who
/// tries.
///
/// Below two fifths they may still lose: on the bundled path at 0.5 and 0.55 h a day (15 % of
/// the plan's required minutes outside) the MIP alone took 1.23–1.32 s and racing 1.35–1.68 s,
/// and at 0.6 and 0.65 h (9 %) the same time with half the peak memory (38–50 MiB against
/// 77–91). But no share outside tells those from the generated paths at 0.5 h + 1 h and
/// 0.75 h + 1.5 h, where the walks won six races by 1.0–8.6 s with 6–34 % outside
/// (BENCHMARKS.md, session 68).
fn may_win_the_race(problem: &Problem, least: &Least) -> bool {
    least.outside * 5 <= problem.required_minutes() * 2
}

/// The narrow walks, then the whole walk with their plan at hand: the [`FIRST_BEAM`]-wide
/// walk, then the [`BEAM`]-wide one unless the first one's plan has every required minute in
/// its window.
///
/// Where every required minute fits, the whole walk's work is the optional minutes and
/// earliness, and the narrower walk's plan serves it as well: on the bundled path at 0.75, 0.8
/// and 0.9 h a day the process took 0.99, 0.95 and 0.80 s before and 0.82, 0.85 and 0.72 s
/// after (medians of five), with the same plans; on the generated paths at 1 h + 2 h up to
/// 0.36 s less. Where late work is left, the wider walk's plan keeps the whole walk's states
/// fewer: with the narrower one alone, 0.55 h and 0.6 h peaked at 78–97 MiB instead of 49–81.
/// There the first walk only adds its time: 0.05 s at 0.7 h (BENCHMARKS.md, session 68).
fn walk_in_turn(bounds: &mut Bounds<'_>, seconds: f64, stop: &Stop) -> Result<Days, Ended> {
    let began = std::time::Instant::now();
    let left = || seconds - began.elapsed().as_secs_f64();
    narrow(bounds, FIRST_BEAM, seconds, stop, None)?;
    if bounds.known.is_none_or(|known| known.outside > 0) {
        narrow(bounds, BEAM, left(), stop, None)?;
    }
    walk(bounds, Mode::Best, left(), stop, None)
}

/// The narrow walk: its plan, when it finds one, becomes the plan at hand, and the states it
/// went through get prices of their own ([`Bounds::price`]). It returns the plan and the steps
/// the walk took. `Ok(None)`: it found no plan (it may not where the plans need two items of a
/// chain with parts to place at once).
///
/// The narrow walk only looks for a good plan, and ranks every state by its bound: the
/// big-and-small measures cost it more than they save (at 0.25 h a day on the bundled path it
/// then ran out of its share, and the MIP started from the greedy plan), so it goes without.
fn narrow(
    bounds: &mut Bounds<'_>,
    beam: usize,
    seconds: f64,
    stop: &Stop,
    help: Help<'_>,
) -> Result<Option<(Days, u64)>, Ended> {
    let family = bounds.measures.split_off(bounds.counts);
    let mode = if bounds.ahead.is_some() {
        Mode::Beam
    } else {
        Mode::Narrow
    };
    let found = walk_states(bounds, mode, beam, seconds, stop, help);
    bounds.measures.extend(family);
    let Found {
        days,
        visited,
        steps,
    } = match found {
        Ok(found) => found,
        // The prices stand: both callers priced the plan at hand before any walk, and a walk
        // after another keeps the prices of the other's plan.
        Err(Ended::NoPlan) => return Ok(None),
        Err(Ended::Limit) => return Err(Ended::Limit),
    };
    bounds.improve(&days);
    bounds.price(&visited);
    Ok(Some((days, steps)))
}

/// The narrow walk at the first of `widths` (states a slot keeps), then at the second where that
/// one should end within `seconds` too: where [`WIDER_TAKES`] times the first walk's steps fit
/// in `seconds` at [`STEPS_A_SECOND`]. The narrower walk's plan is the plan at hand where the
/// wider one finds none better or cannot end in time.
///
/// On the bundled path at 0.25 and 0.3 h a day the [`BEAM`]-wide walk alone took 5.3–6.4 s,
/// past its share of the time limit (2.5 s), and the whole walk then had no plan at hand but
/// priority 1's and stopped open at 10 s. At 50 states a slot it took 2.0–2.6 s, and so still
/// ran out in some runs; at [`FIRST_BEAM`] it takes 1.1–1.8 s and finds the optimum, which the
/// whole walk then proves. On the generated 12-section paths at 0.35 h a day (0.5 h at
/// weekends) a 50-state walk's plans alone had 0.2–2.8 % more late minute-days on five of six
/// open cases, and the wider walk runs after it.
///
/// The wider walk earns its time on the generated paths, not on the bundled one. Always run
/// and never run (temporary switches, one run each): at 0.35 h + 0.5 h seeds 2 and 5 are
/// proven in 6.7 and 3.9 s with it and open at 10 s without; at 0.5 h + 1 h seed 4 takes
/// 0.83 s with it and 1.76 s without. On the bundled path at 0.25–0.35 h the first walk's plan
/// already has the optimum's priorities 1 to 3, and the wider walk only adds its time, up to
/// 0.9 s (BENCHMARKS.md, session 68).
///
/// The rule counts steps, not seconds. With a share of 2.5 s (the default time limit) the wider
/// walk runs after a first walk of at most 78,125 steps. The first walk took 108,908–121,832
/// steps on the bundled path at 0.25–0.35 h a day, and at most 54,138 everywhere else it was
/// counted: the bundled path at 0.25–3 h a day with and without double weekend hours and with
/// `--max-session 30`, and the generated 12-section and wide paths, the most 44,108
/// (BENCHMARKS.md, session 69). The rule timed the first
/// walk before, and at 0.35 h its 0.36–0.48 s fell on either side of the 0.5 s it allowed, so
/// the plan took 1.1 s in some runs and 1.9 s in others; open plans differed by machine.
fn narrow_widening(
    bounds: &mut Bounds<'_>,
    widths: [usize; 2],
    seconds: f64,
    stop: &Stop,
    help: Help<'_>,
) -> Result<Option<Days>, Ended> {
    let began = std::time::Instant::now();
    let first = match narrow(bounds, widths[0], seconds, stop, help)? {
        Some((days, steps)) if WIDER_TAKES * steps as f64 > seconds * STEPS_A_SECOND => {
            return Ok(Some(days))
        }
        first => first.map(|(days, _)| days),
    };
    let left = seconds - began.elapsed().as_secs_f64();
    match narrow(bounds, widths[1], left, stop, help) {
        Ok(None) | Err(Ended::Limit) if first.is_some() => Ok(first),
        wider => wider.map(|found| found.map(|(days, _)| days)),
    }
}

/// Why a walk gave no plan.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// It ran out of time, states or steps: a walk with more might find one.
    Limit,
    /// No plan keeps what the walk allows (the narrow walk's states all lead nowhere, say).
    NoPlan,
}

/// The cheapest walk of `mode` through the problem and sections of `bounds` (the
/// [`Mode::Narrow`] one is a good one, not always the cheapest).
fn walk(
    bounds: &Bounds<'_>,
    mode: Mode,
    seconds: f64,
    stop: &Stop,
    help: Help<'_>,
) -> Result<Days, Ended> {
    walk_states(bounds, mode, BEAM, seconds, stop, help).map(|found| found.days)
}

/// Whether a walk may find its states' bounds on a second thread ([`Bounds::bound_all`]):
/// while nothing of the solve but the order's cost (see `schedule.rs`) runs beside it, that
/// is until the MIP starts, which raises the flag. `None`: never (under `--any-order` the
/// walks race the MIP from the start).
type Help<'s> = Option<&'s Stop>;

/// States a slot must have before [`Bounds::bound_all`] shares them with a second thread:
/// a thread is started for every slot that shares, so a slot of a few states would gain
/// nothing (256 was not tuned). The unit tests' problems are small: there every slot with two
/// states or more shares them, so that their walks cover it.
const SHARED: usize = if cfg!(test) { 2 } else { 256 };

/// A state of a slot whose bound [`Bounds::bound_all`] finds: its key, and its cost and the
/// index of the state before (which becomes [`LEFT_OUT`] where the bound leaves it out).
type Judged<'a> = (&'a Box<[u16]>, &'a mut (Cost, u32));

/// The index of the state before, in a state [`Bounds::bound_all`] leaves out.
const LEFT_OUT: u32 = u32::MAX;

/// What the walks hand the solve that runs alongside them ([`solve`]'s `alongside`).
#[derive(Default)]
pub(super) struct Handed {
    /// The narrow walk's plan, to start from.
    pub found: Option<Days>,
    /// The walk for priority 1's answer, where it ran ([`super::inside::required_in_windows`]):
    /// the MIP's level 1 need not walk it again.
    pub required: Option<Inside>,
}

/// A walk's state: the slot it ends, its key and its cost.
type Visited = (u32, Box<[u16]>, Cost);

/// A plan: per task, the slots of its parts (`None`: left out).
type Days = Vec<Option<Vec<u32>>>;

/// What [`walk_states`] found.
struct Found {
    days: Days,
    /// The states the plan goes through, the last first.
    visited: Vec<Visited>,
    /// The steps the walk took (state × choice of the day's items).
    steps: u64,
}

/// [`walk`], with the states its plan goes through and the steps it took.
fn walk_states(
    bounds: &Bounds<'_>,
    mode: Mode,
    beam: usize,
    seconds: f64,
    stop: &Stop,
    help: Help<'_>,
) -> Result<Found, Ended> {
    let began = std::time::Instant::now();
    // Out of time, or the MIP alongside has ended.
    let halted = || began.elapsed().as_secs_f64() > seconds || stop.raised();
    let (problem, sections) = (bounds.problem, bounds.sections);
    let last = problem
        .tasks
        .iter()
        .filter_map(|t| t.window.map(|w| w.1))
        .max()
        .ok_or(Ended::NoPlan)?;
    if last as usize >= problem.capacity.len() {
        return Err(Ended::NoPlan);
    }
    // Late required work may go on to the end of the horizon.
    let horizon = problem.capacity.len() as u32 - 1;
    let width = sections.len() * 3;
    // Per slot: the optional and reference chains (`section × 3 + kind`) with an item whose
    // window may end there, and so whose count a step may have to move past it. Before its
    // first such end and after its last every state's count is where the step leaves it: going
    // through every chain for every choice took about a third of the steps' own time under
    // `--any-order` (148 chains).
    let mut closing: Vec<Vec<usize>> = vec![Vec::new(); horizon as usize + 1];
    for (s, section) in sections.iter().enumerate() {
        for k in 1..3 {
            let ends = section.chains[k]
                .iter()
                .map(|&t| problem.tasks[t].latest_for_optional().unwrap_or(u32::MAX));
            let (first, last) = ends.fold((u32::MAX, 0), |(a, b), e| (a.min(e), b.max(e)));
            for slot in first..=last.min(horizon) {
                closing[slot as usize].push(s * 3 + k);
            }
        }
    }
    // What a state kept takes, about: the state, its key's counts and the key's allocation.
    let state_bytes = std::mem::size_of::<State>() + 2 * (width + 1) + 16;
    let most_states = MAX_STATES.min(MAX_SLOT_BYTES / state_bytes);
    // A slot's states: counts of every section, then the minutes of the day used so far →
    // (cost, index of the previous state in the layer before). Layers are kept for the way
    // back.
    let mut layers: Vec<Vec<State>> = Vec::new();
    let mut current: Vec<State> = vec![(
        vec![0; width + 1].into_boxed_slice(),
        bounds.first,
        u32::MAX,
    )];
    let (mut steps, mut kept_bytes, mut end) = (0u64, 0usize, 0u32);
    let mut scratch = Scratch::default();
    for d in 0..=horizon {
        let mut next: Slot = HashMap::default();
        // What the bounds of this slot's states take from their required work alone.
        let mut owings = Owings::default();
        for (index, (state, cost, _)) in current.iter().enumerate() {
            let step = |key: &[u16], cost: Cost, _: Vec<Part>| {
                steps += 1;
                // The key is allocated only for a state not yet found: most steps lead to one
                // that is.
                match next.get_mut(key) {
                    Some(entry) if cost < entry.0 => *entry = (cost, index as u32),
                    Some(_) => {}
                    None => {
                        next.insert(key.into(), (cost, index as u32));
                    }
                }
            };
            step_from(
                problem,
                sections,
                d,
                &closing[d as usize],
                state,
                *cost,
                mode,
                false,
                &mut scratch,
                step,
            );
            if next.len() > most_states || steps > MAX_STEPS {
                return Err(Ended::Limit);
            }
            if index % 1024 == 1023 && halted() {
                return Err(Ended::Limit);
            }
        }
        // States that cannot end better than the plan at hand, or cannot fit their required
        // work at all, lead nowhere.
        // (The bounds of a large slot take a while: at 0.5 h a day on a generated path more
        // than a second, which the MIP alongside would wait for once it has ended.)
        // The narrow walk ranks the states it keeps by these bounds: each is found once.
        let mut ranked: Vec<(Cost, Box<[u16]>)> = Vec::new();
        // The least bound of the states kept: every plan goes through one of this slot's
        // states, or through one that costs no less (the same key), ends no better than the
        // plan at hand (left out here), or does no better than another (left out below).
        let mut least: Option<Cost> = None;
        // After the last window a narrow walk's states are many, most of them alike but for
        // their sections and costlier ([`Bounds::merge_alike`]): at 0.25 h a day on the
        // bundled path the first narrow walk found the bounds of 87,885 states there, and of
        // 19,363 once those were left out first, and took about 0.15 s less in all. The whole
        // walk leaves them out after its bounds, which keep far fewer states.
        if mode != Mode::Best && d >= last {
            bounds.merge_alike(d, &mut next);
        }
        let helped = help.is_some_and(|joined| !joined.raised());
        let mut states: Vec<Judged<'_>> = next.iter_mut().collect();
        let (found, over) = bounds.bound_all(d, &states, helped, &mut owings, &halted);
        if !over {
            for ((key, (_, parent)), bound) in states.iter_mut().zip(found) {
                match (bound, mode) {
                    (Some(bound), Mode::Narrow | Mode::Beam) => {
                        ranked.push((bound, (*key).clone()));
                    }
                    (Some(bound), Mode::Best) => {
                        least = Some(least.map_or(bound, |l| l.min(bound)));
                    }
                    (None, _) => *parent = LEFT_OUT,
                }
            }
            next.retain(|_, (_, parent)| *parent != LEFT_OUT);
        }
        if over || halted() {
            return Err(Ended::Limit);
        }
        if mode == Mode::Best {
            bounds.dominate(d, &mut next, &halted);
            bounds.swap_dominate(d, &mut next, &halted);
            if d >= last {
                bounds.merge_alike(d, &mut next);
            }
            if halted() {
                return Err(Ended::Limit);
            }
            // Every state of the slot has its bound: the least of them, or the plan at hand,
            // is the least any plan costs. (The narrow walk leaves states out for no such
            // reason.)
            if let Some(least) = least.or(bounds.known) {
                bounds.raise_floor(least);
            }
            // Once every window has ended, the cheapest state with every required item
            // started is a plan: the others matter only while they may still beat it.
            if d >= last {
                let best = next
                    .iter()
                    .filter(|(key, _)| complete(sections, key))
                    .map(|(_, (cost, _))| *cost)
                    .min();
                if let Some(best) = best {
                    next.retain(|key, (cost, _)| {
                        if complete(sections, key) {
                            *cost == best
                        } else {
                            bounds
                                .bound(d, key, *cost, &mut owings)
                                .is_some_and(|bound| bound <= best)
                        }
                    });
                }
            }
        } else {
            next = bounds.narrowed(d, last, &next, ranked, beam, &halted)?;
        }
        if next.is_empty() {
            return Err(Ended::NoPlan);
        }
        if halted() {
            return Err(Ended::Limit);
        }
        kept_bytes += next.len() * state_bytes;
        if kept_bytes > MAX_KEPT_BYTES {
            return Err(Ended::Limit);
        }
        let mut layer: Vec<State> = next
            .into_iter()
            .map(|(c, (cost, p))| (c, cost, p))
            .collect();
        // Deterministic whatever the hash order: by counts.
        layer.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        layers.push(std::mem::replace(&mut current, layer));
        end = d;
        if d >= last && current.iter().all(|s| complete(sections, &s.0)) {
            break;
        }
    }
    layers.push(current);
    // The cheapest final state with every required item started. Optional and reference
    // counts are complete too: the last window has ended and passed them all.
    let (mut at, _) = layers
        .last()
        .into_iter()
        .flatten()
        .enumerate()
        .filter(|(_, s)| complete(sections, &s.0))
        .min_by_key(|(i, s)| (s.1, *i))
        .ok_or(Ended::NoPlan)?;
    // Back along the walk: the slot's step from the state before to this one, found again
    // with the tasks it starts.
    let mut days: Vec<Option<Vec<u32>>> = vec![None; problem.tasks.len()];
    let mut visited = Vec::new();
    for d in (0..=end).rev() {
        let (key, cost, parent) = &layers[d as usize + 1][at];
        visited.push((d, key.clone(), *cost));
        let (before, before_cost, _) = &layers[d as usize][*parent as usize];
        let mut parts = None;
        step_from(
            problem,
            sections,
            d,
            &closing[d as usize],
            before,
            *before_cost,
            mode,
            true,
            &mut scratch,
            |k, c, found| {
                if parts.is_none() && k == &key[..] && c == *cost {
                    parts = Some(found);
                }
            },
        );
        for (t, p) in parts.ok_or(Ended::NoPlan)? {
            let slots = days[t].get_or_insert_with(|| vec![u32::MAX; problem.tasks[t].parts.len()]);
            slots[p] = d;
        }
        at = *parent as usize;
    }
    let placed = |(t, d): (&Task, &Option<Vec<u32>>)| match d {
        Some(d) => !d.contains(&u32::MAX),
        None => t.kind != Kind::Required,
    };
    if problem.tasks.iter().zip(&days).all(placed) {
        Ok(Found {
            days,
            visited,
            steps,
        })
    } else {
        Err(Ended::NoPlan)
    }
}

/// Whether every required item of a state has started and has all its parts placed.
fn complete(sections: &[Section], key: &[u16]) -> bool {
    let width = sections.len() * 3;
    sections
        .iter()
        .enumerate()
        .all(|(s, section)| key[s * 3] as usize == section.chains[0].len())
        && Open::decode(key, width).all(|o| o.at % 3 != 0)
}

/// Every step of slot `d` from one state, given to `found`: the state it leads to (as a key:
/// counts, the day's minutes used, then the items with parts still to place), its cost, and
/// (when `record`) the parts it places, as (task, part). The narrow walk, which only looks
/// for a good plan, keeps one item of a chain at a time with parts still to place: with more
/// its states pile up first parts (at 0.25 h a day on the bundled path, up to 25 items open,
/// and it did not reach the end of the path in 10 s). The buffers it works in are
/// `scratch`'s, kept from one state to the next.
#[allow(clippy::too_many_arguments)]
fn step_from(
    problem: &Problem,
    sections: &[Section],
    d: u32,
    closing: &[usize],
    state: &[u16],
    cost: Cost,
    mode: Mode,
    record: bool,
    scratch: &mut Scratch,
    mut found: impl FnMut(&[u16], Cost, Vec<Part>),
) {
    let width = sections.len() * 3;
    let day = problem.day(d);
    let new_day = d == 0 || problem.day(d - 1) != day;
    // The next slot is on another day: no part of an open item is on its day.
    let day_ends = problem.day(d + 1) != day;
    let used = if new_day { 0 } else { u32::from(state[width]) };
    let mut walk = Walk {
        problem,
        sections,
        slot: d,
        counts: std::mem::take(&mut scratch.counts),
        open: std::mem::take(&mut scratch.open),
        room: 0,
        cap: problem.capacity[d as usize],
        minutes: used,
        used,
        day_minutes: problem.day_minutes(day).unwrap_or(u32::MAX),
        added: Added::default(),
        record,
        parts: Vec::new(),
        picks: std::mem::take(&mut scratch.picks),
        found: std::mem::take(&mut scratch.found),
        found_counts: std::mem::take(&mut scratch.found_counts),
        found_open: std::mem::take(&mut scratch.found_open),
        active: std::mem::take(&mut scratch.active),
    };
    walk.counts.clear();
    walk.counts.extend_from_slice(&state[..width]);
    walk.open.clear();
    walk.open.extend(Open::decode(state, width));
    walk.picks.clear();
    walk.found.clear();
    walk.found_counts.clear();
    walk.found_open.clear();
    walk.active.clear();
    walk.active
        .extend(sections.iter().enumerate().map(|(s, section)| {
            (0..3).any(|k| walk.counts[s * 3 + k] < section.startable[k][d as usize])
        }));
    for o in &walk.open {
        walk.active[usize::from(o.at) / 3] = true;
    }
    walk.choose(0);
    let Walk {
        counts: was_counts,
        open: was_open,
        picks,
        found: mut choices,
        found_counts: mut all_counts,
        found_open: all_open,
        active,
        ..
    } = walk;
    let (mut open, mut key) = (
        std::mem::take(&mut scratch.kept_open),
        std::mem::take(&mut scratch.key),
    );
    for choice in choices.drain(..) {
        let counts = &mut all_counts[choice.counts];
        // Optional and reference items whose windows end today can no longer start.
        for &c in closing {
            let chain = &sections[c / 3].chains[c % 3];
            let at = &mut counts[c];
            while let Some(&t) = chain.get(*at as usize) {
                if problem.tasks[t].latest_for_optional().unwrap_or(u32::MAX) > d {
                    break;
                }
                *at += 1;
            }
        }
        // Items with parts still to place: those of an optional or reference item must be
        // placed inside its window.
        open.clear();
        open.extend_from_slice(&all_open[choice.open]);
        let mut missed = false;
        open.retain_mut(|o| {
            let task = &problem.tasks[o.task(sections)];
            if usize::from(o.placed) == task.parts.len() {
                return false;
            }
            let must = task.kind != Kind::Required;
            missed |= must && task.window.map_or(u32::MAX, |w| w.1) <= d;
            o.today &= !day_ends;
            true
        });
        if missed {
            continue;
        }
        open.sort_unstable();
        if mode == Mode::Narrow && open.windows(2).any(|w| w[0].at == w[1].at) {
            continue;
        }
        let added = choice.added;
        let cost = Cost {
            outside: cost.outside + added.outside,
            late: cost.late + added.late,
            optional: cost.optional - added.minutes[1],
            reference: cost.reference - added.minutes[2],
            moved: cost.moved - added.kept,
            earliness: cost.earliness + u64::from(choice.minutes - used) * u64::from(day),
            within: cost.within + u64::from(choice.minutes - used) * u64::from(d),
        };
        let day_used = if problem.slots.is_some() {
            match u16::try_from(choice.minutes) {
                Ok(m) => m,
                Err(_) => continue,
            }
        } else {
            0
        };
        key.clear();
        key.extend_from_slice(counts);
        key.push(day_used);
        for &o in &open {
            o.encode(&mut key);
        }
        found(&key, cost, choice.parts);
    }
    *scratch = Scratch {
        counts: was_counts,
        open: was_open,
        picks,
        found: choices,
        found_counts: all_counts,
        found_open: all_open,
        active,
        kept_open: open,
        key,
    };
}

/// The buffers of [`step_from`], kept from one state to the next: allocated for every state,
/// they were most of the walk's calls to the allocator.
#[derive(Default)]
struct Scratch {
    counts: Vec<u16>,
    open: Vec<Open>,
    picks: Vec<(u16, Vec<Pick>)>,
    found: Vec<Choice>,
    found_counts: Vec<u16>,
    found_open: Vec<Open>,
    active: Vec<bool>,
    kept_open: Vec<Open>,
    key: Vec<u16>,
}

/// Whether part `p` of `task` may go in slot `slot` (its first part: whether the task may
/// start there). Required items may start and place parts after their windows.
fn may_place(problem: &Problem, task: &Task, p: usize, slot: u32) -> bool {
    let (first, last) = task.window.unwrap_or((0, u32::MAX));
    let late = task.kind == Kind::Required;
    (p > 0 || slot >= first.max(task.release))
        && (late || slot <= last)
        && task.avoid.binary_search(&problem.day(slot)).is_err()
}

/// The chains of every section, when the walk covers the problem.
fn sections(problem: &Problem) -> Option<Vec<Section>> {
    let covered = |t: &Task| {
        !t.parts.is_empty()
            && t.parts.len() < usize::from(Open::TODAY)
            && t.window.is_some()
            && t.after.is_empty()
    };
    if !problem.tasks.iter().all(covered) {
        return None;
    }
    if problem
        .section_after
        .iter()
        .enumerate()
        .any(|(s, after)| after.iter().any(|&x| x != s))
    {
        return None;
    }
    let (chains, of) = chains(problem)?;
    let mut sections: Vec<Section> = chains
        .into_iter()
        .map(|chains| Section {
            chains,
            needs: Vec::new(),
            startable: Default::default(),
            opens: [u32::MAX; 3],
            rest: Default::default(),
            end: [0; 3],
            windows: Vec::new(),
            by_window: Vec::new(),
            by_size: Vec::new(),
        })
        .collect();
    for s in 0..sections.len() {
        sections[s].needs = (0..sections.len())
            .filter(|&g| of[g] == of[s] && !sections[g].chains[0].is_empty())
            .collect();
    }
    let slots = problem.capacity.len() as u32;
    for section in &mut sections {
        for (k, chain) in section.chains.iter().enumerate() {
            section.startable[k] = (0..slots)
                .map(|d| {
                    let task = |&t: &usize| &problem.tasks[t];
                    let last = chain
                        .iter()
                        .map(task)
                        .rposition(|task| may_place(problem, task, 0, d));
                    last.map_or(0, |i| i as u16 + 1)
                })
                .collect();
            section.opens[k] = chain
                .iter()
                .map(|&t| {
                    let task = &problem.tasks[t];
                    task.earliest().min(task.window.map_or(u32::MAX, |w| w.1))
                })
                .min()
                .unwrap_or(u32::MAX);
        }
    }
    let sizes = sizes(problem);
    for section in &mut sections {
        let chain = &section.chains[0];
        let window = |t: usize| {
            let task = &problem.tasks[t];
            let (first, last) = task.window.unwrap_or((0, u32::MAX));
            (last, first.max(task.release))
        };
        let mut windows: Vec<(u32, u32)> = chain.iter().map(|&t| window(t)).collect();
        windows.sort_unstable();
        windows.dedup();
        let mut by_window = vec![vec![0; windows.len()]; chain.len() + 1];
        let mut by_size = vec![vec![vec![0u64; sizes.len()]; windows.len()]; chain.len() + 1];
        for (i, &t) in chain.iter().enumerate().rev() {
            by_window[i] = by_window[i + 1].clone();
            by_size[i] = by_size[i + 1].clone();
            let at = windows.partition_point(|&w| w < window(t));
            let task = &problem.tasks[t];
            by_window[i][at] += task.minutes();
            for m in &task.parts {
                if let Ok(k) = sizes.binary_search(m) {
                    by_size[i][at][k] += 1;
                }
            }
        }
        // A window without parts is left empty: [`Bounds::histograms`] lists none for it.
        for counts in by_size.iter_mut().flatten() {
            if counts.iter().all(|&c| c == 0) {
                *counts = Vec::new();
            }
        }
        section.by_size = by_size;
        section.windows = windows
            .into_iter()
            .map(|(last, first)| (first, last))
            .collect();
        section.by_window = by_window;
        for (k, chain) in section.chains.iter().enumerate() {
            let mut rest = vec![0; chain.len() + 1];
            for (i, &t) in chain.iter().enumerate().rev() {
                rest[i] = rest[i + 1] + problem.tasks[t].minutes();
                let end = problem.tasks[t].window.map_or(u32::MAX, |w| w.1);
                section.end[k] = section.end[k].max(end);
            }
            section.rest[k] = rest;
        }
    }
    Some(sections)
}

/// Tasks by kind (required, optional, reference), each in the order they start.
type Chains = [Vec<usize>; 3];

/// The walk's sections: per section, its chains of required, optional and reference tasks, and
/// the section of the path it belongs to (whose required work comes before its optional and
/// reference work). `None` where two chains share a section and kind (the walk counts one).
///
/// Under path order these are the sections of the path and their chains. Under `--any-order`
/// a section's items start in any order, but items alike ([`Task::alike`], and no previous
/// days of a replan to keep) can always trade places: swapping two of them changes no level.
/// So some best plan starts them in path order, and each class of them is a chain of a walk's
/// section of its own, after the classes of required items of its section of the path. On the
/// bundled path that is 74 chains instead of 26.
fn chains(problem: &Problem) -> Option<(Vec<Chains>, Vec<usize>)> {
    let kind_index = |k: Kind| KINDS.iter().position(|&x| x == k).unwrap_or(0);
    if problem.chains.is_empty() {
        // A task with previous days is alike no other: which one keeps its day matters.
        let mut classes: BTreeMap<(Alike, usize), Vec<usize>> = BTreeMap::new();
        for (t, task) in problem.tasks.iter().enumerate() {
            let own = if task.previous.is_some() { t + 1 } else { 0 };
            classes.entry((task.alike(), own)).or_default().push(t);
        }
        // By section, required classes first, each in the order of its first task.
        let mut ordered: Vec<(usize, usize, usize, Vec<usize>)> = classes
            .into_values()
            .map(|tasks| {
                let first = &problem.tasks[tasks[0]];
                (first.section, kind_index(first.kind), tasks[0], tasks)
            })
            .collect();
        ordered.sort_unstable();
        let of = ordered.iter().map(|c| c.0).collect();
        let chains = ordered
            .into_iter()
            .map(|(_, k, _, tasks)| {
                let mut chains: Chains = Default::default();
                chains[k] = tasks;
                chains
            })
            .collect();
        return Some((chains, of));
    }
    let count = problem.section_after.len();
    let mut chains: Vec<Chains> = vec![Default::default(); count];
    let mut seen = vec![false; problem.tasks.len()];
    for chain in &problem.chains {
        let first = problem.tasks.get(*chain.first()?)?;
        let slot = &mut chains.get_mut(first.section)?[kind_index(first.kind)];
        if !slot.is_empty() {
            return None; // two chains of one section and kind
        }
        for &t in chain {
            let task = &problem.tasks[t];
            if task.section != first.section || task.kind != first.kind || seen[t] {
                return None;
            }
            seen[t] = true;
            slot.push(t);
        }
    }
    // Tasks outside every chain are alone of their section and kind.
    for (t, task) in problem.tasks.iter().enumerate() {
        if !seen[t] {
            let slot = &mut chains.get_mut(task.section)?[kind_index(task.kind)];
            if !slot.is_empty() {
                return None; // not in path order
            }
            slot.push(t);
        }
    }
    Some((chains, (0..count).collect()))
}

/// The sizes [`packing`] and [`tardiness`] count the required work by: every minutes a part
/// of a required item takes (a part is one session, in one slot).
fn sizes(problem: &Problem) -> Vec<u32> {
    let mut sizes: Vec<u32> = problem
        .tasks
        .iter()
        .filter(|t| t.kind == Kind::Required)
        .flat_map(|t| t.parts.iter().copied())
        .collect();
    sizes.sort_unstable();
    sizes.dedup();
    sizes
}

/// The slots a replan's previous plan had a task's parts on, from part `from` on (those it had
/// one for).
fn previous_slots(task: &Task, from: usize) -> impl Iterator<Item = &u32> {
    let previous = task.previous.as_deref().unwrap_or_default();
    previous
        .iter()
        .take(task.parts.len())
        .skip(from)
        .filter(|&&p| p != u32::MAX)
}

/// Whether every window of [`Bounds::histograms`]' required work has ended before slot
/// `next`: all that work is then overdue, and late wherever it goes.
fn ended_before(windows: &[(u32, u32, usize)], next: u32) -> bool {
    windows.iter().all(|w| w.0 < next)
}

/// How many sessions of `task` from part `from` on a replan may still keep after slot `d`:
/// those whose previous slot lies after it.
fn keepable(task: &Task, from: usize, d: u32) -> u32 {
    previous_slots(task, from).filter(|&&p| p > d).count() as u32
}

/// Required work still to come with one window: the window's last slot, its first slot, and an
/// amount (minutes, or the weight of its parts by a [`Measure`]).
type Span = (u32, u32, u64);

/// The least Σ of amount × days past its window's end of `work` (by window end) when slots
/// `from..` take it, slot `i` as much as `holds[i + 1] - holds[i]` (`weighted`: the same times
/// each slot's day).
///
/// Cut into minutes, that work costs least when the minutes due first take the room first: a
/// minute's lateness, its day less its window end's day, is a Monge cost, so the north-west
/// corner of the transport from minutes to room is optimal. Whole items on one day each can
/// only cost more. This counts the late work that the room forces on required items not yet
/// due, which the items already past their windows alone miss: at 0.6 h a day on the bundled
/// path, all of its late minute-days. Counted by a [`Measure`]'s weight (and `holds` in it
/// too), each part is late by at least its days times its weight in minutes at the measure's
/// cheapest ([`Measure::minutes`]).
fn tardiness(problem: &Problem, from: u32, work: &[Span], holds: &[u64], weighted: &[u64]) -> u64 {
    let top = holds.len() - 1;
    // Σ over the units held before position `p` of their slot's day. The positions weighed
    // never go down (each span's work starts where the one before ends, and is weighed from
    // no earlier), so the slot of each is found by a cursor going forward from `from`. In the
    // replan after the `started` slip at 0.5 h a day, a binary search of every position took
    // 26 % of the whole walk's 11.3 billion instructions, and the walk takes 9.6 billion with
    // the cursor (callgrind).
    let first = (from as usize).min(top);
    let mut slot = first;
    let mut weight = |p: u64| -> u64 {
        while slot < top && holds[slot + 1] <= p {
            slot += 1;
        }
        weighted[slot] + (p - holds[slot]) * u64::from(problem.day(slot as u32))
    };
    let (mut at, mut late) = (holds[first], 0u64);
    for &(end, _, amount) in work {
        let (first, last) = (at, at + amount);
        at = last;
        let due = holds[(end as usize).saturating_add(1).min(top)];
        let past = first.max(due);
        if past < last && last <= holds[top] {
            let day = u64::from(problem.day(end));
            // `past` first: the cursor only goes forward.
            let before = weight(past);
            late += weight(last) - before - (last - past) * day;
        }
    }
    late
}

/// Parts of a chain that go together in [`Bounds::late_in_order`]'s order, by one measure:
/// their minutes, their weight, and Σ over them of minutes × the weight of the block's parts
/// up to and with each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Block {
    minutes: u64,
    weight: u64,
    inner: u64,
}

impl Block {
    /// The blocks of a chain of parts, (minutes, weight) each in its order, after `blocks`:
    /// each part a block, merged with the block before while that one has no more minutes
    /// per weight (it must go first, so they go together), so that minutes per weight fall
    /// along the chain (Sidney's decomposition; a block that weighs nothing comes first).
    fn chain(parts: impl Iterator<Item = (u64, u64)>, blocks: &mut Vec<Block>) {
        let first = blocks.len();
        for (minutes, weight) in parts {
            let block = Block {
                minutes,
                weight,
                inner: minutes * weight,
            };
            Block::push(block, blocks, first);
        }
    }

    /// `block` after the blocks of a chain from `blocks[first..]`, merged with the block before
    /// while that one has no more minutes per weight.
    fn push(mut block: Block, blocks: &mut Vec<Block>, first: usize) {
        while let Some(&top) = blocks[first..].last() {
            if top.minutes * block.weight > block.minutes * top.weight {
                break;
            }
            blocks.pop();
            block = Block {
                minutes: top.minutes + block.minutes,
                weight: top.weight + block.weight,
                inner: top.inner + block.inner + block.minutes * top.weight,
            };
        }
        blocks.push(block);
    }

    /// The blocks of two chains that may go side by side, most minutes per weight first.
    fn merge(a: &[Block], b: &[Block]) -> Vec<Block> {
        let (mut a, mut b) = (a.iter().peekable(), b.iter().peekable());
        let mut merged = Vec::with_capacity(a.len() + b.len());
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x.minutes * y.weight >= y.minutes * x.weight => a.next(),
                (Some(_), None) => a.next(),
                (_, Some(_)) => b.next(),
                (None, None) => break,
            };
            merged.extend(next.copied());
        }
        merged
    }
}

/// The required items of a section not started, per section and count of them started, after
/// the last window: the Σ minutes × their window's last day they owe whatever happens (for
/// [`Bounds::merge_alike`] and [`Bounds::late_in_order`]), and per big-and-small measure their
/// chains' blocks for [`Bounds::late_in_order`] (the first parts of the items in path order
/// one chain, each later part a chain of its own, as it may go on any later day).
struct Suffixes {
    owed: Vec<Vec<u64>>,
    /// Per measure, section and count.
    blocks: Vec<Vec<Vec<Vec<Block>>>>,
    /// Per section and count, every part weighing 1 ([`Bounds::late_in_order`]'s parts a
    /// slot).
    units: Vec<Vec<Vec<Block>>>,
}

impl Suffixes {
    fn new(bounds: &Bounds<'_>) -> Suffixes {
        let (problem, sections) = (bounds.problem, bounds.sections);
        let size = |m: u32| bounds.sizes.binary_search(&m).unwrap_or(0);
        let suffix = |s: usize| {
            let chain = &sections[s].chains[0];
            (0..=chain.len()).map(move |c| chain[c..].iter().map(|&t| &problem.tasks[t]))
        };
        let owed = (0..sections.len())
            .map(|s| {
                suffix(s)
                    .map(|tasks| tasks.map(|t| bounds.owed(t, 0)).sum())
                    .collect()
            })
            .collect();
        // Per section and count, the blocks of the items not started, each part weighed by
        // `weigh` (by its minutes).
        let by = |weigh: &dyn Fn(u32) -> u64| -> Vec<Vec<Vec<Block>>> {
            let weighed = |m: &u32| (u64::from(*m), weigh(*m));
            (0..sections.len())
                .map(|s| {
                    suffix(s)
                        .map(|tasks| {
                            let tasks: Vec<&Task> = tasks.collect();
                            // From the last item back: an item's first part, then its later
                            // parts (a chain) beside the items after it.
                            let mut blocks: Vec<Block> = Vec::new();
                            for task in tasks.iter().rev() {
                                let mut later = Vec::new();
                                Block::chain(task.parts[1..].iter().map(weighed), &mut later);
                                let beside = Block::merge(&later, &blocks);
                                blocks.clear();
                                Block::chain(std::iter::once(weighed(&task.parts[0])), &mut blocks);
                                for &block in &beside {
                                    Block::push(block, &mut blocks, 0);
                                }
                            }
                            blocks
                        })
                        .collect()
                })
                .collect()
        };
        let blocks = bounds
            .big_and_small
            .iter()
            .map(|measure| by(&|m| measure.weight[size(m)]))
            .collect();
        let units = by(&|_| 1);
        Suffixes {
            owed,
            blocks,
            units,
        }
    }
}

/// The lower convex hull of a staircase ([`Bounds::hulls`]): (weight, day) corners, by weight.
type Hull = Vec<(u64, u64)>;

/// Answers that depend on a slot and a key, kept for the slot last asked about: the states of a
/// slot often share a key (on a generated 12-section path at 0.5 h a day, 1 h at weekends,
/// 52,076 counts by size of 200,000 states were new), and a walk asks slot by slot. Held only
/// to look up and to keep an answer: two threads may find the bounds of a slot (see
/// [`Bounds::bound_all`]).
struct SlotMemo<T, V>(std::sync::Mutex<Kept<T, V>>);

/// What a [`SlotMemo`] keeps: the slot, and its answers by key.
struct Kept<T, V> {
    slot: u32,
    answers: HashMap<Box<[T]>, V>,
}

impl<T, V> Default for SlotMemo<T, V> {
    fn default() -> Self {
        let answers = HashMap::default();
        SlotMemo(std::sync::Mutex::new(Kept { slot: 0, answers }))
    }
}

impl<T: Clone + Eq + std::hash::Hash, V: Clone> SlotMemo<T, V> {
    /// The answer for `key` at `slot`: kept, or found by `find` and kept.
    fn get_or_find(&self, slot: u32, key: &[T], find: impl FnOnce() -> V) -> V {
        let memo = || {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        {
            let mut memo = memo();
            if memo.slot != slot {
                memo.slot = slot;
                memo.answers.clear();
            }
            if let Some(known) = memo.answers.get(key) {
                return known.clone();
            }
        }
        let found = find();
        let mut memo = memo();
        if memo.slot == slot {
            memo.answers.insert(key.into(), found.clone());
        }
        found
    }
}

/// The least Σ minutes × day of `minutes` minutes whose Σ minutes × the weight placed
/// before and with each is `sum`: `minutes` times the convex `hull` ([`Bounds::hulls`]) at
/// `sum / minutes`; 0 past its end or without a segment (see [`Bounds::late_in_order`]).
fn least_days(hull: &[(u64, u64)], minutes: u64, sum: u128) -> u64 {
    let Some(i) = (1..hull.len()).find(|&i| u128::from(hull[i].0) * u128::from(minutes) >= sum)
    else {
        return 0;
    };
    let ((x1, y1), (x2, y2)) = (hull[i - 1], hull[i]);
    // minutes × (y1 + (y2 − y1) × (sum / minutes − x1) / (x2 − x1)), rounded down.
    let along = sum as i128 - i128::from(minutes) * i128::from(x1);
    let value = i128::from(minutes) * i128::from(y1)
        + ((i128::from(y2) - i128::from(y1)) * along).div_euclid(i128::from(x2 - x1));
    u64::try_from(value).unwrap_or(0)
}

/// The most minutes of some parts that weigh at most a given weight together, by a
/// [`Measure`] ([`Measure::filling`]): every part that weighs nothing, then the most minutes
/// per weight first, the last size taken in part (whole parts can only take fewer). Asked for
/// weights that never go down, it goes on from where it was.
struct Filling {
    /// (minutes, weight, count) of each size that weighs something, the most minutes per
    /// weight first.
    groups: Vec<(u64, u64, u64)>,
    /// How many of `groups` are taken whole so far.
    at: usize,
    /// The weight of those.
    weight: u64,
    /// Their minutes, and those of every part that weighs nothing.
    minutes: u64,
}

impl Filling {
    /// The most minutes of the parts that weigh at most `weight` together (no less than the
    /// weight asked for the time before).
    fn most(&mut self, weight: u64) -> u64 {
        while let Some(&(x, w, n)) = self.groups.get(self.at) {
            if self.weight + w * n > weight {
                return self.minutes + (weight - self.weight) * x / w;
            }
            self.weight += w * n;
            self.minutes += x * n;
            self.at += 1;
        }
        self.minutes
    }
}

/// A way to weigh required parts by their size, for [`packing`] and [`tardiness`]: a slot
/// holds parts of at most so much weight together, the most its room's knapsack of the
/// sizes gives (so it holds whatever the sizes, and the measure only decides how strong the
/// bound is).
///
/// - *Counts by size:* a part of at least some size weighs 1, and a slot holds as many as its
///   room over that size. At 0.6 h a day (35 minutes of room) most required items take 20 or
///   25 minutes and a day holds one of them: most of the 330 minutes every plan loses.
/// - *Big and small* (Martello and Toth's, for the room `c` most slots have, and a size `e`
///   up to half of it): a part of more than `c - e` weighs `c`, one of `e` to `c - e` its
///   minutes, a smaller one nothing. A big part leaves room only for small ones, which weigh
///   nothing, so a slot holds one big part or its minutes of middle ones. At 0.5 h a day the
///   parts of 17 to 30 minutes each take a day, and two of 15 fit one: by minutes alone 120
///   of the 469 minutes every plan loses show, by counts 221, with these 370 (BENCHMARKS.md).
#[derive(Clone)]
struct Measure {
    /// Per size of [`sizes`].
    weight: Vec<u64>,
    /// Σ over slots `0..i` of the weight slot's room holds, and of that times its day.
    holds: Vec<u64>,
    holds_weighted: Vec<u64>,
    /// The sizes (their places) that weigh something, by minutes per weight, least first.
    cheapest: Vec<usize>,
}

impl Measure {
    /// The counts by size for the sizes some slot's room is not a multiple of (where every one
    /// is, a count says no more than the minutes), and the big-and-small measures for the
    /// most common room of a slot with any, each once.
    fn all(problem: &Problem, sizes: &[u32], slots: &[u64]) -> (Vec<Measure>, Vec<Measure>) {
        let measure = |weight: Vec<u64>| Measure::new(problem, sizes, slots, weight);
        let counts = (0..sizes.len())
            .filter(|&k| slots.iter().any(|&m| m % u64::from(sizes[k].max(1)) != 0))
            .map(|k| measure((0..sizes.len()).map(|j| u64::from(j >= k)).collect()))
            .collect();
        let mut rooms: BTreeMap<u64, usize> = BTreeMap::new();
        for &m in slots.iter().filter(|&&m| m > 0) {
            *rooms.entry(m).or_default() += 1;
        }
        let Some((&c, _)) = rooms.iter().max_by_key(|&(&m, &n)| (n, m)) else {
            return (counts, Vec::new());
        };
        // Each threshold where a size changes side: a small size, or one past a big one.
        let mut edges: Vec<u64> = sizes
            .iter()
            .map(|&x| u64::from(x))
            .flat_map(|x| [x, (c + 1).saturating_sub(x)])
            .filter(|&e| e > 0 && 2 * e <= c)
            .collect();
        edges.sort_unstable();
        edges.dedup();
        let mut weights: Vec<Vec<u64>> = edges
            .into_iter()
            .map(|e| {
                let weigh = |x: u64| match x {
                    x if x > c - e => c,
                    x if x >= e => x,
                    _ => 0,
                };
                sizes.iter().map(|&x| weigh(u64::from(x))).collect()
            })
            .collect();
        weights.dedup();
        (counts, weights.into_iter().map(measure).collect())
    }

    fn new(problem: &Problem, sizes: &[u32], slots: &[u64], weight: Vec<u64>) -> Measure {
        // The most weight of each room, as an unbounded knapsack of the sizes.
        let top = slots.iter().copied().max().unwrap_or(0) as usize;
        let mut most = vec![0u64; top + 1];
        for r in 1..=top {
            most[r] = most[r - 1];
            for (&x, &w) in sizes.iter().zip(&weight) {
                if let Some(rest) = r.checked_sub(x as usize) {
                    most[r] = most[r].max(most[rest] + w);
                }
            }
        }
        let (mut holds, mut holds_weighted) = (vec![0u64], vec![0u64]);
        for (s, &minutes) in slots.iter().enumerate() {
            let held = most[minutes as usize];
            let day = u64::from(problem.day(s as u32));
            holds.push(holds[s] + held);
            holds_weighted.push(holds_weighted[s] + held * day);
        }
        let mut cheapest: Vec<usize> = (0..sizes.len()).filter(|&k| weight[k] > 0).collect();
        // By minutes per weight: x / w < y / v when x·v < y·w.
        cheapest.sort_by(|&a, &b| {
            (u64::from(sizes[a]) * weight[b]).cmp(&(u64::from(sizes[b]) * weight[a]))
        });
        Measure {
            weight,
            holds,
            holds_weighted,
            cheapest,
        }
    }

    /// The weight of parts counted by size (of [`sizes`]).
    fn weigh(&self, counts: &[u64]) -> u64 {
        counts.iter().zip(&self.weight).map(|(&n, &w)| n * w).sum()
    }

    /// The least minutes of the parts counted by size in `counts` that weigh at least `need`
    /// together: the cheapest minutes per weight first, the last size taken in part (whole
    /// parts can only take more).
    fn cover(&self, counts: &[u64], sizes: &[u32], mut need: u64) -> u64 {
        let mut minutes = 0;
        for &k in &self.cheapest {
            let (size, weight) = (u64::from(sizes[k]), self.weight[k]);
            if counts[k] * weight >= need {
                return minutes + (need * size).div_ceil(weight);
            }
            minutes += counts[k] * size;
            need -= counts[k] * weight;
        }
        minutes
    }

    /// The [`Filling`] of the parts counted by size in `counts`.
    fn filling(&self, counts: &[u64], sizes: &[u32]) -> Filling {
        let free = counts
            .iter()
            .zip(sizes)
            .zip(&self.weight)
            .filter(|(_, &w)| w == 0)
            .map(|((&n, &x), _)| n * u64::from(x))
            .sum();
        let groups = self
            .cheapest
            .iter()
            .rev()
            .filter(|&&k| counts[k] > 0)
            .map(|&k| (u64::from(sizes[k]), self.weight[k], counts[k]))
            .collect();
        Filling {
            groups,
            at: 0,
            weight: 0,
            minutes: free,
        }
    }

    /// The fewest minutes of a part per unit of weight (nothing when no part weighs anything).
    fn per_unit(&self, sizes: &[u32]) -> f64 {
        self.cheapest
            .first()
            .map_or(0.0, |&k| f64::from(sizes[k]) / self.weight[k] as f64)
    }

    /// The least late minute-days of parts whose late weight-days are `units`: each weighs at
    /// most its minutes over the least minutes per weight.
    fn minutes(&self, units: u64, sizes: &[u32]) -> u64 {
        self.cheapest
            .first()
            .map_or(0, |&k| units * u64::from(sizes[k]) / self.weight[k])
    }
}

/// The least required minutes of `work` (by window end, see [`Bounds::histograms`]) that
/// cannot go inside their windows from slot `from` on, where slots `0..i` hold `room[i]`
/// minutes; the work whose window has ended aside.
///
/// Cut into minutes, the work that fits its windows is a flow from windows to room, and what
/// cannot flow is the largest deficit of a set of windows: the minutes due inside their union
/// less its room. Windows that meet add up, so the largest deficit is that of disjoint spans,
/// each of the work whose windows lie inside it, found span end by span end. With the room
/// counted from the next slot alone, the windows that start later are missed: at 0.6 h a day
/// on the bundled path the walk's states then had bounds 5 to 15 required minutes short of
/// what every plan from them loses.
///
/// Whole parts lose more, and each span loses the most any of `measures` says: the parts
/// inside its windows that go inside them weigh no more than its slots hold, so those that
/// stay out weigh at least the rest, and [`Measure::cover`] turns that weight into minutes
/// with the span's own parts, the cheapest first.
fn packing(
    from: u32,
    work: &[(u32, u32, usize)],
    hist: &[u64],
    sizes: &[u32],
    measures: &[Measure],
    room: &[u64],
) -> u64 {
    let n = sizes.len();
    let top = room.len() - 1;
    let at = |held: &[u64], slot: u32| held[(slot as usize).min(top)];
    let open: Vec<(u32, u32, usize)> = work
        .iter()
        .filter(|w| w.0 >= from)
        .map(|&(last, first, k)| (last, first.max(from), k))
        .collect();
    let mut firsts: Vec<u32> = open.iter().map(|w| w.1).collect();
    firsts.sort_unstable();
    firsts.dedup();
    let (f, m) = (firsts.len(), measures.len());
    let mut best = vec![0u64; open.len() + 1];
    let mut before = vec![0u64; f];
    let mut minutes = vec![0u64; f];
    let mut counts = vec![0u64; if m > 0 { f * n } else { 0 }];
    let mut weights = vec![0u64; f * m];
    let mut weighed = vec![0u64; m];
    // Windows that overlap no later one split the work: a span across the split loses no more
    // than its two sides apart (their room adds up to no more than its room, and what each
    // side must leave out to no less), so only the spans inside each run of overlapping
    // windows are tried. On the generated one-year path (52 sections of a week each) this
    // took most of each state's bound.
    let mut earliest = vec![u32::MAX; open.len() + 1];
    for (i, w) in open.iter().enumerate().rev() {
        earliest[i] = earliest[i + 1].min(w.1);
    }
    // (A window that starts after it ends, were there one, would not split: then all is one
    // run.)
    let apart = open.iter().all(|w| w.1 <= w.0);
    let splits = |e: usize| apart && earliest[e] > open[e - 1].0;
    let mut run = (0, f);
    for (i, &(last, start, k)) in open.iter().enumerate() {
        if i > 0 && splits(i) || i == 0 && apart {
            let end = (i + 1..open.len())
                .find(|&e| splits(e))
                .unwrap_or(open.len());
            let lo = firsts.partition_point(|&f| f < earliest[i]);
            run = (lo, firsts.partition_point(|&f| f <= open[end - 1].0));
            for b in &mut before[run.0..run.1] {
                *b = (*b).max(best[i]);
            }
        }
        let parts = &hist[k..k + n];
        let own: u64 = parts
            .iter()
            .zip(sizes)
            .map(|(&c, &x)| c * u64::from(x))
            .sum();
        for (w, measure) in weighed.iter_mut().zip(measures) {
            *w = measure.weigh(parts);
        }
        let end = last.saturating_add(1);
        let mut most = best[i];
        for (j, &first) in firsts.iter().enumerate().take(run.1).skip(run.0) {
            if start >= first {
                minutes[j] += own;
                if m > 0 {
                    for (c, &p) in counts[j * n..(j + 1) * n].iter_mut().zip(parts) {
                        *c += p;
                    }
                    for (w, &v) in weights[j * m..(j + 1) * m].iter_mut().zip(&weighed) {
                        *w += v;
                    }
                }
            }
            if first <= last {
                let mut loss = minutes[j].saturating_sub(at(room, end) - at(room, first));
                for (q, measure) in measures.iter().enumerate() {
                    let held = at(&measure.holds, end) - at(&measure.holds, first);
                    let need = weights[j * m + q].saturating_sub(held);
                    if need > 0 {
                        let inside = &counts[j * n..(j + 1) * n];
                        loss = loss.max(measure.cover(inside, sizes, need));
                    }
                }
                most = most.max(before[j] + loss);
            }
        }
        best[i + 1] = most;
        for (j, &first) in firsts.iter().enumerate().take(run.1).skip(run.0) {
            if first > last {
                before[j] = before[j].max(most);
            }
        }
    }
    best[open.len()]
}

/// Prices of the slots' room, for a Lagrangian bound on the required minutes that can still go
/// inside their windows that sees the path's order.
///
/// The bounds by minutes and by how parts pack ([`packing`]) take the items of a window in any
/// order. In path order the items of one section that start on one slot are a stretch of its
/// chain, and where two neighbours do not fit one slot together the room between is lost: at
/// 0.6 h a day on the bundled path the bounds of the walk's first states said 220 to 240
/// required minutes outside their windows (about what `--any-order` loses, 235), where every
/// plan in path order loses 330.
///
/// Each slot's room gets prices: per minute it holds, and per unit of weight by each
/// [`Measure`] (a slot holds no more weight than its room's knapsack gives). Then the most
/// minutes inside their windows a plan can have is at most what the room costs at these
/// prices, plus, for each section alone, the most its required items gain (each minute inside
/// its window, less what its parts pay for the room they take) in stretches of its chain that
/// fit each slot's room: whatever the prices, as the plan's sections together take no more
/// minutes and weight than the room holds. For one section alone that most is a small walk over
/// (slot, count) ([`Gain`]), done once for every state. Later parts of an item go where they
/// gain most inside its window on a later day, without room; everything else (other kinds, a
/// day's minutes across its slots, days to avoid) is left out, which only gives more.
///
/// The prices start from the spans the bounds by minutes and weight find short of room (their
/// room at the price of the minutes or the weight that says most) and improve by a subgradient
/// descent on the bound of one state; the bound holds for any prices, in integers. The states
/// further on have other spans short of room, so [`Bounds::price`] keeps several sets: one for
/// the state before any step, one for every [`PRICED`]th state of the narrow walk's plan, and a
/// state's bound is the most any set says (at 0.45 h a day with double weekend hours on the
/// bundled path the whole walk's proof went from 2.8 to 1.7 s with them).
struct Prices {
    /// Per slot: Σ over it and the slots after of what their room costs.
    paid: Vec<i64>,
    /// Per slot, per size of [`sizes`]: what a part of that size pays for the room it takes.
    cost: Vec<i64>,
    /// The sizes.
    sizes: Vec<u32>,
    /// Per section: what its required items gain.
    gain: Vec<Gain>,
}

/// What a section's required items from a count on can gain from a slot on ([`Prices`]).
struct Gain {
    /// The first slot any of them may start on.
    from: u32,
    /// The last window end of them (they gain nothing after it).
    to: u32,
    /// The chain's length.
    items: usize,
    /// Per slot `from..=to + 1`, per count `0..=items`.
    most: Vec<i64>,
}

impl Gain {
    fn at(&self, slot: u32, count: usize) -> i64 {
        if slot > self.to || count >= self.items {
            return 0;
        }
        let row = (slot.max(self.from) - self.from) as usize;
        self.most[row * (self.items + 1) + count]
    }
}

/// The room a plan's parts take, per slot: minutes, and weight by each measure (its
/// `weight[q][t]`).
struct Use {
    minutes: Vec<i64>,
    weight: Vec<Vec<i64>>,
}

impl Use {
    /// A part of `m` minutes (one of `sizes`) on slot `t` (none past the last slot).
    fn take(&mut self, t: u32, m: u32, sizes: &[u32], measures: &[Measure]) {
        let Some(u) = self.minutes.get_mut(t as usize) else {
            return;
        };
        *u += i64::from(m);
        let k = sizes.binary_search(&m).unwrap_or(0);
        for (w, measure) in self.weight.iter_mut().zip(measures) {
            w[t as usize] += measure.weight[k] as i64;
        }
    }
}

impl Prices {
    /// A minute of room at its dearest: a required minute inside its window.
    const SCALE: i64 = 1 << 10;
    /// Steps of the subgradient descent before any step.
    const STEPS: usize = 150;
    /// Steps of the subgradient descent at the states further on: there the start says most.
    /// With 150 their prices took 0.4 s on a generated 12-section path at 0.5 h a day (1 h
    /// at weekends), with 30 0.1 s, and the walks on the bundled path took as long.
    const STEPS_FURTHER: usize = 30;

    /// No prices: the bound says nothing.
    fn none() -> Prices {
        Prices {
            paid: Vec::new(),
            cost: Vec::new(),
            sizes: Vec::new(),
            gain: Vec::new(),
        }
    }

    /// What part `m` (minutes) gains on slot `t`, inside its window or not.
    fn part(&self, t: u32, m: u32, inside: bool) -> i64 {
        let n = self.sizes.len();
        let k = self.sizes.binary_search(&m).unwrap_or(0);
        let cost = self.cost.get(t as usize * n + k).copied().unwrap_or(0);
        if inside {
            i64::from(m) * Prices::SCALE - cost
        } else {
            -cost
        }
    }

    /// The most part `m` gains on a slot from `from` to `last` (on a later day than slot
    /// `after`'s, when given), never below nothing (it may go outside its window, free), and
    /// that slot.
    fn best(
        &self,
        problem: &Problem,
        m: u32,
        from: u32,
        last: u32,
        after: Option<u32>,
    ) -> (i64, u32) {
        let slots = self.paid.len().saturating_sub(1);
        let top = (last as usize).min(slots.saturating_sub(1));
        let day = after.map(|a| problem.day(a));
        let mut best = (0, u32::MAX);
        for t in from as usize..=top {
            if day.is_some_and(|day| problem.day(t as u32) <= day) {
                continue;
            }
            let gain = self.part(t as u32, m, true);
            if gain > best.0 {
                best = (gain, t as u32);
            }
        }
        best
    }

    /// What section `section`'s required items gain at these prices, and, when `used` is
    /// given (with the measures, a slot and a count), the room its best plan from that slot
    /// and count takes.
    fn gain(
        &self,
        problem: &Problem,
        section: &Section,
        rooms: &[u64],
        used: Option<(&mut Use, &[Measure], u32, usize)>,
    ) -> Gain {
        let chain = &section.chains[0];
        let items = chain.len();
        let tasks: Vec<&Task> = chain.iter().map(|&t| &problem.tasks[t]).collect();
        let from = tasks.iter().map(|t| t.earliest()).min().unwrap_or(0);
        let to = tasks
            .iter()
            .filter_map(|t| t.window.map(|w| w.1))
            .max()
            .unwrap_or(0)
            .min(rooms.len().saturating_sub(1) as u32);
        if items == 0 || from > to {
            return Gain {
                from,
                to: 0,
                items: 0,
                most: Vec::new(),
            };
        }
        let width = items + 1;
        let rows = (to - from + 2) as usize;
        // What item `j` gains starting on slot `from + r`: its first part there, its later
        // parts where they gain most.
        let mut value = vec![0i64; rows * items];
        for r in 0..rows - 1 {
            let t = from + r as u32;
            for (j, task) in tasks.iter().enumerate() {
                let last = task.window.map_or(0, |w| w.1);
                let later: i64 = task.parts[1..]
                    .iter()
                    .map(|&m| self.best(problem, m, t, last, Some(t)).0)
                    .sum();
                value[r * items + j] = self.part(t, task.parts[0], t <= last) + later;
            }
        }
        let mut most = vec![0i64; rows * width];
        for t in (from..=to).rev() {
            let row = (t - from) as usize;
            for i in (0..items).rev() {
                let mut best = most[(row + 1) * width + i];
                let (mut taken, mut gained) = (0u64, 0i64);
                for j in i..items {
                    taken += u64::from(tasks[j].parts[0]);
                    if t < tasks[j].earliest() || taken > rooms[t as usize] {
                        break;
                    }
                    gained += value[row * items + j];
                    best = best.max(gained + most[(row + 1) * width + j + 1]);
                }
                most[row * width + i] = best;
            }
        }
        let gain = Gain {
            from,
            to,
            items,
            most,
        };
        // The best plan from `start` and `count`, again, for the room it takes.
        if let Some((used, measures, start, count)) = used {
            let sizes = &self.sizes;
            let mut take = |t: u32, m: u32| used.take(t, m, sizes, measures);
            let (mut t, mut i) = (start.max(from), count);
            while t <= to && i < items {
                let here = gain.at(t, i);
                if here != gain.at(t + 1, i) {
                    let row = (t - from) as usize;
                    let mut gained = 0i64;
                    for j in i..items {
                        gained += value[row * items + j];
                        if gained + gain.at(t + 1, j + 1) == here {
                            for task in &tasks[i..=j] {
                                take(t, task.parts[0]);
                                let last = task.window.map_or(0, |w| w.1);
                                for &m in &task.parts[1..] {
                                    let (_, at) = self.best(problem, m, t, last, Some(t));
                                    take(at, m);
                                }
                            }
                            i = j + 1;
                            break;
                        }
                    }
                }
                t += 1;
            }
        }
        gain
    }

    /// Set what each slot's room costs and what each part pays, from prices per minute and
    /// per weight (`weight[q][t]`, for `measures[q]`), rounded to integers.
    fn set(&mut self, minute: &[f64], weight: &[Vec<f64>], rooms: &[u64], measures: &[Measure]) {
        let (slots, n) = (rooms.len(), self.sizes.len());
        self.cost = vec![0; slots * n];
        self.paid = vec![0; slots + 1];
        for t in (0..slots).rev() {
            let per_minute = minute[t].round() as i64;
            let mut paid = per_minute * rooms[t] as i64;
            for (k, &size) in self.sizes.iter().enumerate() {
                self.cost[t * n + k] = per_minute * i64::from(size);
            }
            for (q, measure) in measures.iter().enumerate() {
                let per_weight = weight[q][t].round() as i64;
                paid += per_weight * (measure.holds[t + 1] - measure.holds[t]) as i64;
                for k in 0..n {
                    self.cost[t * n + k] += per_weight * measure.weight[k] as i64;
                }
            }
            self.paid[t] = self.paid[t + 1] + paid;
        }
    }

    /// The prices that bound best the required minutes inside their windows of the state
    /// `key` whose next slot is `next`: from `spans` (slots first to last, and the measure
    /// whose weight says most of them, or `None` for the minutes), by `steps` of a
    /// subgradient descent towards `target` (what a plan at hand places inside from there).
    fn new(
        bounds: &Bounds<'_>,
        (next, key): (u32, &[u16]),
        spans: &[(u32, u32, Option<usize>)],
        target: Option<u64>,
        steps: usize,
    ) -> Prices {
        let (problem, sections, rooms) = (bounds.problem, bounds.sections, &bounds.rooms);
        let measures = &bounds.measures;
        let slots = rooms.len();
        let mut prices = Prices {
            sizes: bounds.sizes.clone(),
            ..Prices::none()
        };
        // A unit of a measure's weight, at its dearest: the fewest minutes of a part per
        // unit.
        let dearest: Vec<f64> = measures
            .iter()
            .map(|m| m.per_unit(&bounds.sizes) * Prices::SCALE as f64)
            .collect();
        let mut minute = vec![0.0f64; slots];
        let mut weight = vec![vec![0.0f64; slots]; measures.len()];
        for &(first, last, by) in spans {
            for t in first as usize..=(last as usize).min(slots - 1) {
                match by {
                    None => minute[t] = Prices::SCALE as f64,
                    Some(q) => weight[q][t] = dearest[q],
                }
            }
        }
        let mut best: Option<(i64, Vec<f64>, Vec<Vec<f64>>)> = None;
        let (mut theta, mut stale) = (1.0f64, 0usize);
        for _ in 0..steps {
            prices.set(&minute, &weight, rooms, measures);
            let mut used = Use {
                minutes: vec![0; slots],
                weight: vec![vec![0; slots]; measures.len()],
            };
            prices.gain = sections
                .iter()
                .enumerate()
                .map(|(s, section)| {
                    let at = (&mut used, &measures[..], next, usize::from(key[s * 3]));
                    prices.gain(problem, section, rooms, Some(at))
                })
                .collect();
            let bound = bounds.priced_inside(&prices, next, key);
            // The parts still to place of the items started, where they gain most.
            for (_, task, parts) in bounds.unplaced(key) {
                let last = task.window.map_or(0, |w| w.1);
                for &m in parts {
                    let (_, t) = prices.best(problem, m, next, last, None);
                    used.take(t, m, &bounds.sizes, measures);
                }
            }
            if best.as_ref().is_none_or(|b| bound < b.0) {
                best = Some((bound, minute.clone(), weight.clone()));
                stale = 0;
            } else {
                stale += 1;
                if stale >= 5 {
                    theta /= 2.0;
                    stale = 0;
                }
            }
            // Room left over wants a lower price, room over-used a higher one. The weights
            // count in minutes, at their dearest.
            let mut slope = vec![0.0f64; slots * (1 + measures.len())];
            for t in next as usize..slots {
                slope[t] = rooms[t] as f64 - used.minutes[t] as f64;
                for (q, measure) in measures.iter().enumerate() {
                    let held = (measure.holds[t + 1] - measure.holds[t]) as f64;
                    let scale = dearest[q] / Prices::SCALE as f64;
                    slope[(q + 1) * slots + t] = (held - used.weight[q][t] as f64) * scale;
                }
            }
            let norm: f64 = slope.iter().map(|g| g * g).sum();
            let goal = target.map_or(bound as f64 * 0.95, |t| (t as i64 * Prices::SCALE) as f64);
            let gap = bound as f64 - goal;
            if norm == 0.0 || gap <= 0.0 || theta < 1e-3 {
                break;
            }
            let step = theta * gap / norm;
            for t in 0..slots {
                minute[t] = (minute[t] - step * slope[t]).clamp(0.0, Prices::SCALE as f64);
                for q in 0..measures.len() {
                    let scale = dearest[q] / Prices::SCALE as f64;
                    let w = &mut weight[q][t];
                    *w = (*w - step * slope[(q + 1) * slots + t] * scale).clamp(0.0, dearest[q]);
                }
            }
        }
        match best {
            Some((_, minute, weight)) => Prices::at(bounds, &minute, &weight),
            None => prices,
        }
    }

    /// The prices per minute `minute[t]` and per weight `weight[q][t]` (of `bounds.measures`)
    /// of each slot `t`, and what each section gains at them.
    fn at(bounds: &Bounds<'_>, minute: &[f64], weight: &[Vec<f64>]) -> Prices {
        let mut prices = Prices {
            sizes: bounds.sizes.clone(),
            ..Prices::none()
        };
        prices.set(minute, weight, &bounds.rooms, &bounds.measures);
        prices.gain = bounds
            .sections
            .iter()
            .map(|s| prices.gain(bounds.problem, s, &bounds.rooms, None))
            .collect();
        prices
    }
}

/// The disjoint spans of slots (first, last) whose required work (`work`, by window end; its
/// counts of parts by size in `hist`, see [`Bounds::histograms`]) exceeds their room the most
/// together, where slots `0..i` hold `room[i]` minutes, each with the measure whose weight says
/// most of it (`None`: the minutes), and what they leave out together: what [`packing`]
/// finds, as spans, trying every span (`packing` only those inside runs of windows that
/// overlap).
fn deficits(
    work: &[(u32, u32, usize)],
    hist: &[u64],
    sizes: &[u32],
    measures: &[Measure],
    room: &[u64],
) -> (Vec<(u32, u32, Option<usize>)>, u64) {
    let (n, top) = (sizes.len(), room.len() - 1);
    let at = |held: &[u64], slot: u32| held[(slot as usize).min(top)];
    let mut ends: Vec<u32> = work.iter().map(|w| w.0).collect();
    ends.sort_unstable();
    ends.dedup();
    let mut firsts: Vec<u32> = work.iter().map(|w| w.1).collect();
    firsts.sort_unstable();
    firsts.dedup();
    // best[e]: the most loss of spans ending before ends[e], and its last span with the index
    // of the best before it.
    type Last = Option<(u32, u32, Option<usize>, usize)>;
    let mut best: Vec<(u64, Last)> = vec![(0, None)];
    for (e, &last) in ends.iter().enumerate() {
        let mut here = best[e];
        for &first in firsts.iter().filter(|&&f| f <= last) {
            let inside: Vec<&(u32, u32, usize)> = work
                .iter()
                .filter(|w| w.1 >= first && w.0 <= last)
                .collect();
            let count = |k: usize| inside.iter().map(|w| hist[w.2 + k]).sum::<u64>();
            let counts: Vec<u64> = (0..n).map(count).collect();
            let minutes: u64 = counts
                .iter()
                .zip(sizes)
                .map(|(&c, &x)| c * u64::from(x))
                .sum();
            let end = last.saturating_add(1);
            let mut loss = (
                minutes.saturating_sub(at(room, end) - at(room, first)),
                None,
            );
            for (q, measure) in measures.iter().enumerate() {
                let held = at(&measure.holds, end) - at(&measure.holds, first);
                let need = measure.weigh(&counts).saturating_sub(held);
                let lost = measure.cover(&counts, sizes, need);
                if lost > loss.0 {
                    loss = (lost, Some(q));
                }
            }
            if loss.0 == 0 {
                continue;
            }
            let before = ends.partition_point(|&x| x < first);
            if best[before].0 + loss.0 > here.0 {
                here = (best[before].0 + loss.0, Some((first, last, loss.1, before)));
            }
        }
        best.push(here);
    }
    let mut spans = Vec::new();
    let mut at = ends.len();
    while let Some((first, last, by, before)) = best[at].1 {
        spans.push((first, last, by));
        at = before;
    }
    (spans, best[ends.len()].0)
}

/// What a state's bound takes from its required work alone ([`Bounds::owing`]).
struct Owing {
    /// Required minutes whose windows have ended, and all required minutes still to place.
    past: u64,
    required: u64,
    /// Required minutes outside their windows at the least: the past ones, and by minutes and
    /// the [`Prices`] those still to come.
    lost: u64,
    /// Whether `lost` is exact ([`Bounds::lost_ahead`]): no measure then says more.
    exact: bool,
    /// Late minute-days still to come at the least, by minutes.
    late: u64,
    /// Per section: its required minutes still to come inside their windows.
    ahead: Box<[u32]>,
    /// `lost` and `late` by the measures by size, once a state needs them.
    measured: Option<(u64, u64)>,
}

/// The required work still to come by window ([`Bounds::histograms`]).
type Histograms = (Vec<(u32, u32, usize)>, Vec<u64>);

/// The [`Owing`]s of one slot's states found so far, by [`Bounds::required_key`].
type Owings = HashMap<Box<[u16]>, Owing>;

/// Lower bounds on what a walk from a state costs at the end, to leave out the states that
/// cannot beat the plan already at hand.
///
/// A slot's room here is the most minutes of sessions it can hold: its gap (its room less
/// the one break it includes), at most the day's study minutes, rounded down to what the
/// items' minutes can add up to.
///
/// From the end of slot `d`, the work still to come is cut into minutes, which the room
/// takes as it may; whole items on one day each can only do worse:
/// - required minutes outside their windows: the largest deficit of spans of slots, each the
///   required work whose windows lie inside the span less its room ([`packing`]), and
///   those of required items whose windows have ended; or, where more, what the room's
///   [`Prices`] say, which see the path's order;
/// - late minute-days: the required minutes due first take the room first ([`tardiness`]);
/// - optional (or reference) minutes: the work of every chain whose last window end is `e` or
///   before must fit the room of slots `d + 1 ..= e` after the required work. Taking the
///   chains in order of their last window ends and giving each as much as the room left
///   allows maximises the minutes still possible under these nested limits, as with deadlines
///   on one machine;
/// - minute-days: the required work still to come starts on the next slot's day at the
///   earliest.
///
/// Each leaves out much (required before optional, the other kind's work, whole items), so it
/// never says less can be done than can.
///
/// Only walks that end no costlier than the plan at hand matter, so a state's required work
/// may go outside its windows by no more than that plan's: the rest takes its room first.
struct Bounds<'a> {
    problem: &'a Problem,
    sections: &'a [Section],
    /// Σ of the room of slots `0..i` (a slot's room, at most its day's study minutes).
    room: Vec<u64>,
    /// Σ of the room of slots `0..i`, each slot's times its day.
    weighted: Vec<u64>,
    /// How many of slots `0..i` are the first slot with room of their day: the study days
    /// that begin before slot `i` ([`Bounds::started_fit`]).
    study_days: Vec<u32>,
    /// The sizes of [`sizes`], and the measures [`packing`] and [`tardiness`] weigh them by:
    /// the counts by size first.
    sizes: Vec<u32>,
    measures: Vec<Measure>,
    /// How many of `measures` are counts by size (the big-and-small ones follow).
    counts: usize,
    /// Every big-and-small measure, for [`Bounds::late_by_sizes`] and
    /// [`Bounds::late_in_order`]: `measures` keeps only
    /// those that see more required minutes lost before any step than the counts by size,
    /// and a plan that loses none may still have late work that only these see.
    big_and_small: Vec<Measure>,
    /// Per slot, [`Bounds::hulls`] once found.
    hulls: Vec<std::sync::OnceLock<Vec<Hull>>>,
    /// [`Bounds::late_in_order`]'s chains of the items not started, once found.
    suffixes: std::sync::OnceLock<Suffixes>,
    /// [`Bounds::late_days_by_sizes`] by the counts of the parts of each size still to place.
    by_sizes: SlotMemo<u64, u64>,
    /// [`Bounds::hull_by_parts`] by the smallest parts still to place.
    by_parts: SlotMemo<u32, Hull>,
    /// The most minutes any slot holds.
    widest: u64,
    /// Sections and kinds by their chains' last window end.
    order: Vec<(usize, usize)>,
    /// The last window end of any optional or reference chain (0: none): from it on no such
    /// item can start.
    optional_until: u32,
    /// Minutes by kind of the whole problem.
    total: [u32; 3],
    /// Per slot: the tasks whose previous day (in a replan) lies after it.
    previous_after: Vec<u32>,
    /// The cost before any step.
    first: Cost,
    /// The cost of the best plan at hand.
    known: Option<Cost>,
    /// Each slot's room (minutes), and the prices of it that bound the required minutes
    /// still able to go inside their windows in path order ([`Prices`]): each set bounds
    /// every state, one set best before any step and the others at states further on.
    rooms: Vec<u64>,
    prices: Vec<Prices>,
    /// Per size of `sizes`: Σ over slots `0..i` of how many parts of that size or more a
    /// slot's room holds (its room over the size), for [`Bounds::late_by_sizes`].
    holds_by_size: Vec<Vec<u64>>,
    /// Whether states share their [`Owing`]s: under `--any-order`, where about three states
    /// of a slot have the same required work (at 0.8 h a day on the bundled path), and the
    /// walks took a fifth less time. In path order nearly every state has its own (1.2 a key
    /// at 0.5 h), and sharing only cost time.
    memoised: bool,
    /// Whether the measures by size still raise bounds ([`Sampling`]).
    sampling: Sampling,
    /// The least any plan costs by the whole walk's states (see [`Bounds::floor`]).
    floor: std::sync::Mutex<Option<Cost>>,
    /// The most required minutes still able to go inside their windows, exactly, where the
    /// walk for priority 1 applies (path order, [`Ahead`]); with, per chain of it, the section
    /// whose required chain it is.
    ahead: Option<(Ahead<'a>, Vec<usize>)>,
}

/// How lately the measures by size raised a state's bound ([`Bounds::measured`]), for the
/// minutes outside the windows and for the late minute-days. They cost most of a bound (at
/// 0.5 h a day on the bundled path in path order 2.8 of the walk's 8.6 billion
/// instructions), and often say nothing the minutes and prices have not: there the one of
/// minutes outside raised none of 120,000 bounds, and under `--any-order` at 0.85 h a day
/// neither raised any. One that has raised none of [`IDLE`] bounds in a row is tried on every
/// [`SAMPLED`]th state only, until it raises one again. A bound left out only keeps states it
/// would have dropped, so the plan is as optimal.
///
/// The third is the late work by the chains' order after the last window
/// ([`Bounds::late_in_order`]), counted as raising a bound only where it says more than the
/// measures by size, and the measures' late work there only where it says at least as much as
/// the chains' order: on the bundled path at 0.5 h a day it did for 18,152 of 20,000 states
/// after the last window, on a generated 12-section path at 0.5 h (1 h at weekends) for none
/// of 140,000, where it made the whole walk take 1.56 s instead of 0.99 s.
#[derive(Default)]
struct Sampling {
    /// Per measure (outside, late, late in the chains' order): the bounds in a row it was
    /// tried on and did not raise.
    idle: [std::sync::atomic::AtomicU32; 3],
    /// Bounds that asked for the measures.
    asked: std::sync::atomic::AtomicU64,
}

impl Sampling {
    /// Which of the measures to try on the next state.
    fn wanted(&self) -> [bool; 3] {
        use std::sync::atomic::Ordering::Relaxed;
        let asked = self.asked.fetch_add(1, Relaxed);
        let sample = asked.is_multiple_of(SAMPLED);
        [0, 1, 2].map(|m| sample || self.idle[m].load(Relaxed) < IDLE)
    }

    /// Whether the measures tried raised the bound.
    fn raised(&self, tried: [bool; 3], raised: [bool; 3]) {
        use std::sync::atomic::Ordering::Relaxed;
        for m in 0..3 {
            if !tried[m] {
                continue;
            }
            if raised[m] {
                self.idle[m].store(0, Relaxed);
            } else {
                self.idle[m].fetch_add(1, Relaxed);
            }
        }
    }
}

impl<'a> Bounds<'a> {
    fn new(problem: &'a Problem, sections: &'a [Section]) -> Bounds<'a> {
        // Every part's minutes are a multiple of `unit`, so a slot holds a multiple of it: at
        // 0.6 h a day, 35 of the 36 minutes.
        let unit = problem
            .tasks
            .iter()
            .flat_map(|t| &t.parts)
            .fold(0, |g, &m| gcd(g, u64::from(m)))
            .max(1);
        let gap = problem.slots.as_ref().map_or(0, |x| x.break_minutes);
        let sizes = sizes(problem);
        let (mut room, mut weighted) = (vec![0u64], vec![0u64]);
        let (mut study_days, mut last_day) = (vec![0u32], None);
        let mut slots = Vec::with_capacity(problem.capacity.len());
        for (s, &cap) in problem.capacity.iter().enumerate() {
            let day = problem.day(s as u32);
            let most = problem.day_minutes(day).unwrap_or(u32::MAX);
            let minutes = u64::from(cap.saturating_sub(gap).min(most)) / unit * unit;
            room.push(room[s] + minutes);
            weighted.push(weighted[s] + minutes * u64::from(day));
            slots.push(minutes);
            let begins = minutes > 0 && last_day != Some(day);
            if minutes > 0 {
                last_day = Some(day);
            }
            study_days.push(study_days[s] + u32::from(begins));
        }
        let (counts, family) = Measure::all(problem, &sizes, &slots);
        let holds_by_size = sizes
            .iter()
            .map(|&x| {
                let mut holds = vec![0u64];
                for (s, &minutes) in slots.iter().enumerate() {
                    let held = minutes.checked_div(u64::from(x)).unwrap_or(u64::MAX);
                    holds.push(holds[s].saturating_add(held));
                }
                holds
            })
            .collect();
        let mut order: Vec<(usize, usize)> = (0..sections.len())
            .flat_map(|s| (0..3).map(move |k| (s, k)))
            .filter(|&(s, k)| !sections[s].chains[k].is_empty())
            .collect();
        order.sort_by_key(|&(s, k)| (sections[s].end[k], s, k));
        let optional_until = order
            .iter()
            .filter(|&&(_, k)| k > 0)
            .map(|&(s, k)| sections[s].end[k])
            .max()
            .unwrap_or(0);
        let mut total = [0u32; 3];
        for task in &problem.tasks {
            let k = KINDS.iter().position(|&x| x == task.kind).unwrap_or(0);
            total[k] = total[k].saturating_add(task.minutes());
        }
        // The previous slots of every part (a replan's), each a session that may be kept.
        let previous: Vec<u32> = problem
            .tasks
            .iter()
            .flat_map(|t| previous_slots(t, 0).copied())
            .collect();
        let previous_after = (0..=problem.capacity.len() as u32)
            .map(|d| previous.iter().filter(|&&p| p > d).count() as u32)
            .collect();
        let mut bounds = Bounds {
            problem,
            sections,
            room,
            weighted,
            study_days,
            sizes,
            counts: counts.len(),
            measures: counts,
            big_and_small: Vec::new(),
            suffixes: std::sync::OnceLock::new(),
            by_sizes: SlotMemo::default(),
            by_parts: SlotMemo::default(),
            widest: slots.iter().copied().max().unwrap_or(0),
            hulls: (0..=problem.capacity.len())
                .map(|_| std::sync::OnceLock::new())
                .collect(),
            order,
            optional_until,
            total,
            previous_after,
            first: Cost {
                outside: 0,
                late: 0,
                optional: total[1],
                reference: total[2],
                moved: previous.len() as u32,
                earliness: 0,
                within: 0,
            },
            known: None,
            prices: Vec::new(),
            rooms: slots,
            holds_by_size,
            memoised: problem.chains.is_empty(),
            sampling: Sampling::default(),
            floor: std::sync::Mutex::default(),
            ahead: Ahead::new(problem).and_then(|ahead| {
                // Per chain of `ahead`, the section whose required chain it is.
                let of = ahead
                    .chains()
                    .map(|tasks| sections.iter().position(|s| s.chains[0] == tasks))
                    .collect::<Option<Vec<usize>>>()?;
                Some((ahead, of))
            }),
        };
        // Of the measures by how parts pack a slot, those that say more than the counts by
        // size before any step: each adds to every state's bound.
        let root = vec![0u16; sections.len() * 3 + 1];
        let (windows, hist) = bounds.histograms(&root);
        let alone = |measures: &[Measure]| {
            packing(0, &windows, &hist, &bounds.sizes, measures, &bounds.room)
        };
        let counted = alone(&bounds.measures);
        let useful = family
            .iter()
            .filter(|m| alone(std::slice::from_ref(*m)) > counted)
            .cloned();
        bounds.measures.extend(useful);
        bounds.big_and_small = family;
        bounds
    }

    /// Whether a state at the end of slot `d` (counts, then the day's minutes) with `cost` can
    /// still fit its required work and end no costlier than the plan at hand: its bound, when
    /// it can.
    fn may_beat(&self, d: u32, key: &[u16], cost: Cost, owings: &mut Owings) -> Option<Cost> {
        self.bound(d, key, cost, owings)
            .filter(|bound| self.known.is_none_or(|known| *bound <= known))
    }

    /// The least a walk from this state can cost at the end, or `None` when its required work
    /// does not fit the room left or its optional and reference items started cannot place
    /// their parts inside their windows. Where the minutes alone put it past the plan at hand,
    /// that bound, without the counts by size.
    ///
    /// What the state's required work alone gives ([`Owing`]) is the same for every state of
    /// the slot with the same required counts and items started: where states share it
    /// ([`Bounds::memoised`]), `owings` (the slot's) keeps it for them.
    fn bound(&self, d: u32, key: &[u16], cost: Cost, owings: &mut Owings) -> Option<Cost> {
        let (problem, sections) = (self.problem, self.sections);
        // The required work by window, when found here.
        let mut found = None;
        let mut owe = || {
            let (owing, histograms) = self.owing(d, key);
            found = Some(histograms);
            owing
        };
        let mut alone;
        let owing = if self.memoised {
            owings.entry(self.required_key(key)).or_insert_with(owe)
        } else {
            alone = owe();
            &mut alone
        };
        let room = |end: u32| self.room_after(d, end);
        let rest = |s: usize, k: usize| -> u64 {
            let chain = &sections[s].rest[k];
            u64::from(chain[(key[s * 3 + k] as usize).min(chain.len() - 1)])
        };
        let (past, required) = (owing.past, owing.required);
        let mut lost = owing.lost;
        if required > room(u32::MAX) {
            return None; // the required work does not fit what is left
        }
        // Nor does an optional or reference item's. Without this the narrow walk of one
        // short-day problem (CI, 2026-12-05) kept only states with two such items whose last
        // parts, a whole day each, were due on the one slot left of their window, and found
        // no plan.
        if !self.started_fit(d, key) {
            return None;
        }
        let mut late = cost.late + owing.late;
        // Room left by each window end for optional and reference work, then the least of it
        // from each chain on: what that chain and those before may take together. Only while
        // a window of theirs is open (after the last, where most states of a slow proof are,
        // `most` looks at none).
        let mut slack: Vec<u64> = Vec::new();
        if d < self.optional_until {
            // The required work still to come inside its windows, by window end.
            let mut due = Vec::with_capacity(self.order.len());
            let mut sum = 0u64;
            for &(s, k) in &self.order {
                if k == 0 {
                    sum += u64::from(owing.ahead[s]);
                }
                due.push((sum, room(sections[s].end[k])));
            }
            // What of the work still to come (past due items aside) may go outside its
            // windows and tie with the plan at hand. Not less what the spans' deficits force
            // outside: that is part of it, and leaves the room of its span to other work.
            let allowance = self.known.map_or(u64::MAX, |known| {
                u64::from(known.outside).saturating_sub(u64::from(cost.outside) + past)
            });
            slack = due
                .iter()
                .map(|&(sum, room)| room.saturating_sub(sum.saturating_sub(allowance)))
                .collect();
            for i in (0..slack.len().saturating_sub(1)).rev() {
                slack[i] = slack[i].min(slack[i + 1]);
            }
        }
        let most = |kind: usize| -> u32 {
            let mut taken = 0u64;
            for (i, &(s, k)) in self.order.iter().enumerate() {
                if k == kind && sections[s].end[k] > d {
                    taken += rest(s, k).min(slack[i].saturating_sub(taken));
                }
            }
            u32::try_from(taken).unwrap_or(u32::MAX)
        };
        let later = self.previous_after[(d as usize).min(self.previous_after.len() - 1)];
        let mut bound = Cost {
            outside: u32::try_from(u64::from(cost.outside) + lost).unwrap_or(u32::MAX),
            late,
            optional: cost.optional.saturating_sub(most(1)),
            reference: cost.reference.saturating_sub(most(2)),
            moved: cost.moved.saturating_sub(later),
            // Required work still to come starts on the next slot's day at the earliest.
            earliness: cost.earliness + required * u64::from(problem.day(d + 1)),
            within: cost.within + required * u64::from(d + 1),
        };
        // Past the plan at hand already: the measures by size would only say so more.
        if self.known.is_some_and(|known| bound > known)
            || (self.measures.is_empty() && self.big_and_small.is_empty())
        {
            return Some(bound);
        }
        let (measured_lost, measured_late) = *owing.measured.get_or_insert_with(|| {
            let mut tried = self.sampling.wanted();
            tried[0] &= !owing.exact;
            if tried == [false; 3] {
                return (past, 0);
            }
            let (windows, hist) = found.take().unwrap_or_else(|| self.histograms(key));
            let (by_lost, by_size, in_order) = self.measured(d, key, &windows, &hist, past, tried);
            let by_late = by_size.max(in_order);
            // After the last window each of the late measures counts as raising only where it
            // says more than the other (the chains' order nearly always does).
            let raised = [
                by_lost > lost,
                by_size >= in_order && cost.late + by_size > late,
                in_order > by_size && cost.late + in_order > late,
            ];
            self.sampling.raised(tried, raised);
            (by_lost, by_late)
        });
        lost = lost.max(measured_lost);
        late = late.max(cost.late + measured_late);
        bound.outside = u32::try_from(u64::from(cost.outside) + lost).unwrap_or(u32::MAX);
        bound.late = late;
        Some(bound)
    }

    /// [`Bounds::may_beat`] of each of slot `d`'s `states`, in their order, and whether the
    /// walk ran out of time (`halted`) before all were found (the rest are then missing).
    /// `owings` is the slot's, as there.
    ///
    /// The bounds take most of a walk's time: 0.22 of the narrow walk's 0.35 s and 0.61 of
    /// the whole walk's 0.85 s on the replan after the `finished` slip at 0.5 h a day, 0.55 of
    /// 0.79 s on a generated 12-section path at 0.5 h (1 h at weekends). Each state's bound
    /// is its own, so where `helped` and the slot has [`SHARED`] states or more a second
    /// thread finds those of the second half. (The measures' [`Sampling`] then depends on
    /// which thread gets to a state first, so a bound may differ from one run to the next; a
    /// bound only keeps states or leaves out those that cannot beat the plan at hand, so the
    /// plan does not.)
    fn bound_all(
        &self,
        d: u32,
        states: &[Judged<'_>],
        helped: bool,
        owings: &mut Owings,
        halted: &(dyn Fn() -> bool + Sync),
    ) -> (Vec<Option<Cost>>, bool) {
        let judge = |states: &[Judged<'_>], owings: &mut Owings| {
            let mut found = Vec::with_capacity(states.len());
            for (i, (key, (cost, _))) in states.iter().enumerate() {
                if i % 256 == 255 && halted() {
                    return (found, true);
                }
                found.push(self.may_beat(d, key, *cost, owings));
            }
            (found, false)
        };
        if !helped || states.len() < SHARED {
            return judge(states, owings);
        }
        let (mine, theirs) = states.split_at(states.len() / 2);
        std::thread::scope(|scope| {
            let helper = std::thread::Builder::new()
                .spawn_scoped(scope, || judge(theirs, &mut Owings::default()));
            let (mut found, over) = judge(mine, owings);
            // Without a second thread, this one finds them all.
            let (rest, also) = match helper {
                Ok(helper) => helper
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(_) => judge(theirs, owings),
            };
            found.extend(rest);
            (found, over || also)
        })
    }

    /// The part of a state's key its [`Owing`] depends on: the required counts and the
    /// required items started with parts still to place.
    fn required_key(&self, key: &[u16]) -> Box<[u16]> {
        let sections = self.sections.len();
        let mut required: Vec<u16> = (0..sections).map(|s| key[s * 3]).collect();
        for o in Open::decode(key, sections * 3).filter(|o| o.at % 3 == 0) {
            o.encode(&mut required);
        }
        required.into_boxed_slice()
    }

    /// What the bound of a state at the end of slot `d` takes from its required work alone,
    /// save the measures by size ([`Owing::measured`]).
    fn owing(&self, d: u32, key: &[u16]) -> (Owing, Histograms) {
        let sections = self.sections;
        let rest = |s: usize| -> u64 {
            let chain = &sections[s].rest[0];
            u64::from(chain[(key[s * 3] as usize).min(chain.len() - 1)])
        };
        // Required minutes whose windows have ended, per section.
        let mut overdue: Vec<u64> = sections
            .iter()
            .enumerate()
            .map(|(s, section)| {
                let at = (key[s * 3] as usize).min(section.by_window.len() - 1);
                let minutes = section.windows.iter().zip(&section.by_window[at]);
                minutes
                    .filter(|(w, _)| w.1 <= d)
                    .map(|(_, &m)| u64::from(m))
                    .sum()
            })
            .collect();
        // The parts still to place of required items started, per section.
        let mut pending = vec![0u64; sections.len()];
        for (s, task, parts) in self.unplaced(key) {
            let minutes: u64 = parts.iter().map(|&m| u64::from(m)).sum();
            pending[s] += minutes;
            if task.window.is_some_and(|w| w.1 <= d) {
                overdue[s] += minutes;
            }
        }
        let past: u64 = overdue.iter().sum();
        let required = self.required(key);
        // First by minutes alone: the measures cost more, and only raise the bound.
        let (windows, hist) = self.histograms(key);
        let minutes = self.spans_of_minutes(&windows, &hist);
        let (sizes, held) = (&self.sizes, &self.room);
        // Once every window of the required work left has ended, all of it is overdue (`past`
        // is `required`): no bound says more, and the spans and prices need not be asked.
        // That is every state after the last window, where the replan after the `finished`
        // slip at 0.5 h a day takes most of its steps.
        let ahead: Box<[u32]> = (0..sections.len())
            .map(|s| u32::try_from(rest(s) + pending[s] - overdue[s]).unwrap_or(u32::MAX))
            .collect();
        // Where the walk for priority 1 tells the minutes lost exactly, no bound says more.
        let exact = self.lost_ahead(d, key, past, &ahead);
        let lost = match exact {
            Some(lost) => lost,
            None if ended_before(&windows, d + 1) => past,
            None => (past + packing(d + 1, &windows, &hist, sizes, &[], held))
                .max(self.priced_loss(d, key, required)),
        };
        let late = tardiness(self.problem, d + 1, &minutes, &self.room, &self.weighted);
        let owing = Owing {
            past,
            required,
            lost,
            exact: exact.is_some(),
            late,
            ahead,
            measured: None,
        };
        (owing, (windows, hist))
    }

    /// The required minutes a state at the end of slot `d` must still place outside their
    /// windows, exactly ([`Ahead`]): its `past` ones, and of those still to come inside their
    /// windows (`ahead`, per section) all that the best walk from its progress cannot place
    /// there. It counts its late work and optional items as placing nothing, so it is a bound,
    /// and where no room goes to them it is reached. `None` where [`Ahead`] does not apply or
    /// has given up.
    ///
    /// At 0.35 h a day on the bundled path in path order the whole walk's states of slot 19
    /// went from 60,764 to 176 once the plan at hand had the best value at priority 1, and the
    /// walk reached the last window (slot 83, 8 states) instead of giving up at slot 20; at
    /// 0.45 h the plan is proven in 0.6 s whole process, which stopped open at 10 s
    /// (BENCHMARKS.md, session 61).
    fn lost_ahead(&self, d: u32, key: &[u16], past: u64, ahead: &[u32]) -> Option<u64> {
        let (inside, section_of) = self.ahead.as_ref()?;
        // The state before the next slot, in the walk for priority 1's terms.
        let s = d + 1;
        let width = self.sections.len() * 3;
        let problem = self.problem;
        let progress = inside
            .open_at(s)
            .iter()
            .map(|&c| {
                let at = section_of[c] * 3;
                let partial = Open::decode(key, width)
                    .filter(|o| usize::from(o.at) == at)
                    .map(|o| (o.index, o.placed))
                    .collect();
                (key[at], partial)
            })
            .collect();
        let new_day = problem.day(s) != problem.day(d);
        let (used, today) = if new_day {
            (0, Vec::new())
        } else {
            let today = Open::decode(key, width)
                .filter(|o| o.today && o.at % 3 == 0)
                .map(|o| o.task(self.sections))
                .collect();
            (u32::from(key[width]), today)
        };
        let most = inside.most(s, progress, used, today)?;
        let to_come: u64 = ahead.iter().map(|&a| u64::from(a)).sum();
        debug_assert!(
            most <= to_come,
            "{most} minutes inside of {to_come} to come"
        );
        Some(past + to_come.saturating_sub(most))
    }

    /// The required minutes outside their windows and the late minute-days still to come of a
    /// state at the end of slot `d` (`past` of its minutes overdue; its required work still
    /// to come by window, [`Bounds::histograms`]), by the measures by size, and the late
    /// minute-days by the chains' order: those of `tried` (see [`Sampling`]), 0 for the
    /// others.
    fn measured(
        &self,
        d: u32,
        key: &[u16],
        windows: &[(u32, u32, usize)],
        hist: &[u64],
        past: u64,
        tried: [bool; 3],
    ) -> (u64, u64, u64) {
        let (sizes, held) = (&self.sizes, &self.room);
        let lost = if tried[0] {
            past + packing(d + 1, windows, hist, sizes, &self.measures, held)
        } else {
            past
        };
        // After the last window the counts by size with the big-and-small weights say at
        // least what the measures' late units do: on the bundled path at 0.5 h a day, on its
        // replan after the `finished` slip and on a generated path, the measures said more
        // for none of 360,000 states there.
        let tail = ended_before(windows, d + 1);
        let late = match (tried[1], tail) {
            (false, _) => 0,
            (true, true) => self.late_by_sizes(d + 1, windows, hist),
            (true, false) => self.late_by_measures(d + 1, windows, hist),
        };
        let in_order = if tried[2] {
            self.late_in_order(d + 1, windows, hist, key)
        } else {
            0
        };
        (lost, late, in_order)
    }

    /// Leave out the states of slot `d` that another state of it does at least as well as.
    ///
    /// A state further along one chain than another, and otherwise the same, can follow every
    /// walk from the other, leaving out the items between the two: it ends no costlier than
    /// its own cost plus that walk's cost without those items. The other's walk pays for them
    /// at least their minutes × the next slot's day, less a session kept on its previous day
    /// each at most and, for an optional or reference item, its minutes (or it leaves the item
    /// out and pays nothing, which is more at its level); a required item whose window has
    /// ended is outside it and late as well ([`Bounds::pay`]). Without that, the state
    /// ahead, which has paid for such an item, never dropped the one behind: after the last
    /// window, where the slow proofs spend their time, it now does (a generated path at 0.6 h
    /// a day, 1.2 h at weekends: 3.3 s to 0.6 s). Costs compare level by level, and so
    /// the same added to both keeps their order: the state behind leads nowhere better when
    /// the one ahead costs no more than the other plus that least payment. Only in the walks
    /// where items may be left out (the one ahead may leave out items the other has not
    /// decided), and the one ahead is strictly ahead, so two states never leave each other out.
    /// `halted` says when the walk has run out of time: then it ends early, leaving states in.
    fn dominate(&self, d: u32, states: &mut Slot, halted: &dyn Fn() -> bool) {
        let mut behind: Vec<Box<[u16]>> = Vec::new();
        let mut probe: Vec<u16> = Vec::new();
        for (i, (key, (cost, _))) in states.iter().enumerate() {
            if i % 256 == 255 && halted() {
                return;
            }
            if self.dominated(d, key, *cost, states, &mut probe) {
                behind.push(key.clone());
            }
        }
        for key in behind {
            states.remove(&key);
        }
    }

    /// Whether another of the states of slot `d` does at least as well as `key` at `cost`
    /// (see [`Bounds::dominate`]). The answer depends on `key` and `states` alone, so the
    /// narrow walks ask it only of the states they would keep (see [`walk_states`]).
    fn dominated(
        &self,
        d: u32,
        key: &[u16],
        cost: Cost,
        states: &Slot,
        probe: &mut Vec<u16>,
    ) -> bool {
        let (problem, sections) = (self.problem, self.sections);
        probe.clear();
        probe.extend_from_slice(key);
        let ahead = (0..sections.len() * 3).any(|at| {
            // No state is further along a chain none of whose counts may have risen yet.
            if sections[at / 3].opens[at % 3] > d {
                return false;
            }
            let chain = &sections[at / 3].chains[at % 3];
            let mut most = cost;
            let found = chain
                .iter()
                .enumerate()
                .skip(key[at] as usize)
                .take(AHEAD)
                .any(|(count, &t)| {
                    let task = &problem.tasks[t];
                    let minutes = task.minutes();
                    self.pay(d, task, minutes, &mut most);
                    most.moved = most.moved.saturating_sub(keepable(task, 0, d));
                    match at % 3 {
                        1 => most.optional = most.optional.saturating_sub(minutes),
                        2 => most.reference = most.reference.saturating_sub(minutes),
                        _ => {}
                    }
                    probe[at] = count as u16 + 1;
                    states
                        .get(&probe[..])
                        .is_some_and(|(other, _)| *other <= most)
                });
            probe[at] = key[at];
            found
        });
        ahead || self.part_ahead(d, key, cost, states, probe)
    }

    /// Leave out the states of slot `d` that another does at least as well as by having placed
    /// the last part of a required item whose window ends no later, where this one placed the
    /// last part, as long, of another.
    ///
    /// Two states alike but for which of some required items have their last part still to
    /// place (items started, one part left, of the same length, the same `today`, no previous
    /// slot or day to avoid still to come) have the same walks on: where one places such a
    /// part of an item, the other places its counterpart there. The two parts cost the same
    /// but for their minutes outside and late, which are no more for the part whose window
    /// ends later.
    /// So a state whose parts left end no earlier, one by one in order, and that costs no
    /// more, does at least as well. An item's part left also keeps its section's optional and
    /// reference items from starting ([`Walk::required_done`]): items are matched only within
    /// one of the walk's sections, unless nothing of the optional and reference items waiting
    /// for theirs is left to start.
    fn swap_dominate(&self, d: u32, states: &mut Slot, halted: &dyn Fn() -> bool) {
        let (problem, sections) = (self.problem, self.sections);
        let width = sections.len() * 3;
        // Per state: what it shares with the states it is compared with, and its parts left
        // by kind of part, each kind's by window end (then chain and index), as one list.
        let mut groups: HashMap<Vec<u16>, Vec<Swapped>> = HashMap::default();
        let mut left: Vec<(LastPart, Ends)> = Vec::new();
        for (i, (key, (cost, _))) in states.iter().enumerate() {
            if i % 256 == 255 && halted() {
                return;
            }
            let free = |g: usize| {
                sections.iter().enumerate().all(|(s, section)| {
                    !section.needs.contains(&g)
                        || (1..3).all(|k| key[s * 3 + k] as usize >= section.chains[k].len())
                })
            };
            let mut shared: Vec<u16> = key[..=width].to_vec();
            left.clear();
            for o in Open::decode(key, width) {
                let task = &problem.tasks[o.task(sections)];
                let one_left = usize::from(o.placed) + 1 == task.parts.len();
                // Nothing of the item's own ahead: no session it may keep, no day to avoid
                // (from the slot's own day: with several slots a day the next may be on it).
                let swappable = task.kind == Kind::Required
                    && one_left
                    && keepable(task, usize::from(o.placed), d) == 0
                    && task.avoid.iter().all(|&a| a < problem.day(d));
                match (swappable, task.window) {
                    (true, Some((_, end))) => {
                        let g = usize::from(o.at) / 3;
                        let group = if free(g) { usize::MAX } else { g };
                        let size = task.parts[usize::from(o.placed)];
                        left.push(((size, o.today, group), (end, o.at, o.index)));
                    }
                    _ => o.encode(&mut shared),
                }
            }
            left.sort_unstable();
            shared.push(u16::MAX);
            for &((size, today, group), _) in &left {
                shared.extend([
                    u16::try_from(size).unwrap_or(u16::MAX),
                    u16::from(today),
                    u16::try_from(group).unwrap_or(u16::MAX),
                ]);
            }
            groups.entry(shared).or_default().push(Swapped {
                cost: *cost,
                ends: left.iter().map(|x| x.1).collect(),
                key: key.clone(),
            });
        }
        let mut behind: Vec<Box<[u16]>> = Vec::new();
        for (_, mut group) in groups {
            if group.len() < 2 {
                continue;
            }
            // Cheapest first, then the latest ends first: a state is left out when one before
            // it does as well, and one that does as well as one left out does as well as it.
            group.sort_unstable_by(|a, b| a.cost.cmp(&b.cost).then_with(|| b.ends.cmp(&a.ends)));
            let mut front: Vec<usize> = Vec::new();
            for (i, state) in group.iter().enumerate() {
                let beaten = front.iter().any(|&j| {
                    let ahead = &group[j].ends;
                    *ahead != state.ends && ahead.iter().zip(&state.ends).all(|(a, b)| a >= b)
                });
                if beaten {
                    behind.push(state.key.clone());
                } else {
                    front.push(i);
                }
            }
        }
        for key in behind {
            states.remove(&key);
        }
    }

    /// The states of slot `d` a narrow walk keeps: of `states` (ranked by their bounds in
    /// `ranked`), the `beam` first that no other does as well as ([`Bounds::dominated`]) and,
    /// once the last window (`last`) has ended, that may still beat the cheapest state with
    /// every required item started among those (which is a plan). Both are asked of each state
    /// alone, so they are asked in rank order until `beam` are kept: the states kept are those
    /// of asking them of every state, for far fewer questions. At 0.25 h a day on the bundled
    /// path the narrow walk asked of 100,190 states whether another did as well, in 0.31 s.
    fn narrowed(
        &self,
        d: u32,
        last: u32,
        states: &Slot,
        mut ranked: Vec<(Cost, Box<[u16]>)>,
        beam: usize,
        halted: &dyn Fn() -> bool,
    ) -> Result<Slot, Ended> {
        let sections = self.sections;
        let mut probe = Vec::new();
        let best = if d >= last {
            states
                .iter()
                .filter(|(key, (cost, _))| {
                    complete(sections, key) && !self.dominated(d, key, *cost, states, &mut probe)
                })
                .map(|(_, (cost, _))| *cost)
                .min()
        } else {
            None
        };
        ranked.sort_unstable();
        let mut kept: Slot = HashMap::default();
        for (i, (bound, key)) in ranked.into_iter().enumerate() {
            if kept.len() == beam {
                break;
            }
            if i % 256 == 255 && halted() {
                return Err(Ended::Limit);
            }
            let Some(&(cost, parent)) = states.get(&key) else {
                continue;
            };
            let may_beat = match best {
                Some(best) if complete(sections, &key) => cost == best,
                Some(best) => bound <= best,
                None => true,
            };
            if may_beat && !self.dominated(d, &key, cost, states, &mut probe) {
                kept.insert(key, (cost, parent));
            }
        }
        Ok(kept)
    }

    /// Leave out the states of slot `d`, once every window has ended by it, whose work still
    /// to come is another's but for which sections it belongs to, and that cost more than that
    /// other one at every level once the late minute-days their items owe whatever happens
    /// are set aside.
    ///
    /// After the last window every part placed costs the same whatever its item: its minutes
    /// outside, its minutes × days past its window's end (its minutes × its day, less its
    /// minutes × its window's last day, the same wherever it goes), its minutes × its day and
    /// its slot, and a kept session where it lands on its previous slot. So two states whose
    /// sections have the same items left in the same order (the same parts, previous slots,
    /// days to avoid and release from the next slot on), in any sections, the same items
    /// started with parts to place, and the same day's minutes used, have the same walks on,
    /// at the same cost but for those fixed minute-days: the one that costs more with them
    /// counted leads nowhere the other does not lead more cheaply. Swapping the next 20-minute
    /// items of two sections is such a pair.
    ///
    /// In a replan, previous slots still to come tell apart items otherwise alike, yet they
    /// only decide the sessions kept, which rank below the late minute-days. So two states
    /// alike but for those slots have the same walks on too, and the same cost at the
    /// levels above; a state goes where another costs less there, or the same there and no
    /// more below even were this one to keep every session still to come that its work does
    /// not share with the other's. After the `finished` slip at 0.5 h a day on the bundled
    /// path the whole walk then kept at most 3,140 states a slot instead of 4,153, and took
    /// 356,000 steps instead of 476,000.
    fn merge_alike(&self, d: u32, states: &mut Slot) {
        let (problem, sections) = (self.problem, self.sections);
        let width = sections.len() * 3;
        // What makes an item's walks on from slot `d + 1` what they are, by task: a class, with
        // its previous slots still to come (`fine`) and without them (`coarse`).
        let mut classes: HashMap<Vec<u32>, u32> = HashMap::default();
        let mut describe = |task: &Task, fine: bool| -> u32 {
            let mut about: Vec<u32> = task.parts.clone();
            about.push(u32::MAX);
            if fine {
                let previous = task.previous.as_deref().unwrap_or_default();
                about.extend(previous.iter().map(|&p| if p > d { p } else { u32::MAX }));
            }
            about.push(u32::MAX);
            // (From the slot's own day: with several slots a day the next may be on it.)
            about.extend(task.avoid.iter().filter(|&&a| a >= problem.day(d)));
            about.push(task.release.max(d));
            let n = classes.len() as u32;
            *classes.entry(about).or_insert(n)
        };
        let fine: Vec<u32> = problem.tasks.iter().map(|t| describe(t, true)).collect();
        let coarse: Vec<u32> = problem.tasks.iter().map(|t| describe(t, false)).collect();
        // Per section and count of required items started: the class of what is left of the
        // chain (the same for the same classes in the same order), both ways, and the sessions
        // it may still keep. What those items owe is the [`Suffixes`]'.
        let suffixes = self.suffixes();
        let mut rests: HashMap<Vec<u32>, u32> = HashMap::default();
        let mut rest: Vec<Vec<(u32, u32, u32)>> = Vec::with_capacity(sections.len());
        for section in sections {
            let chain = &section.chains[0];
            let mut of_count = Vec::with_capacity(chain.len() + 1);
            for c in 0..=chain.len() {
                let mut id = |class: &[u32]| {
                    let left: Vec<u32> = chain[c..].iter().map(|&t| class[t]).collect();
                    let n = rests.len() as u32;
                    *rests.entry(left).or_insert(n)
                };
                let (f, k) = (id(&fine), id(&coarse));
                let may_keep = chain[c..]
                    .iter()
                    .map(|&t| keepable(&problem.tasks[t], 0, d));
                of_count.push((f, k, may_keep.sum()));
            }
            rest.push(of_count);
        }
        // Per class of the work to come (by its id in `ids`): the state that costs least with
        // the fixed minute-days set aside (an index into `judged`), and the same by the coarse
        // class. The states of a narrow walk's slot are many (about 800 at 0.25 h a day on the
        // bundled path), so a state's classes are written into buffers kept from one state to
        // the next, and a class is allocated only the first time it is met.
        let mut ids: [HashMap<Vec<u32>, u32>; 2] = Default::default();
        let mut best: [Vec<usize>; 2] = Default::default();
        let mut judged: Vec<Judging<'_>> = Vec::with_capacity(states.len());
        let (mut left, mut open) = ([Vec::new(), Vec::new()], [Vec::new(), Vec::new()]);
        let mut alike: Vec<u32> = Vec::new();
        for (key, (cost, _)) in states.iter() {
            let mut owed = 0u64;
            let mut pieces: Vec<([u32; 4], u32)> = Vec::with_capacity(sections.len() + 4);
            let mut whole = true;
            left.iter_mut().for_each(Vec::clear);
            open.iter_mut().for_each(Vec::clear);
            for (s, section) in sections.iter().enumerate() {
                let c = usize::from(key[s * 3]).min(rest[s].len() - 1);
                let (f, k, keep) = rest[s][c];
                left[0].push(f);
                left[1].push(k);
                pieces.push(([0, f, 0, 0], keep));
                owed += suffixes.owed[s][c];
                // (Every optional and reference count is complete after the last window; a
                // state where one is not stays as it is.)
                whole &= (1..3).all(|k| usize::from(key[s * 3 + k]) >= section.chains[k].len());
            }
            if !whole {
                continue;
            }
            for o in Open::decode(key, width) {
                let t = o.task(sections);
                let task = &problem.tasks[t];
                owed += self.owed(task, usize::from(o.placed));
                let keep = keepable(task, usize::from(o.placed), d);
                let (placed, today) = (u32::from(o.placed), u32::from(o.today));
                pieces.push(([1, fine[t], placed, today], keep));
                open[0].push([fine[t], placed, today]);
                open[1].push([coarse[t], placed, today]);
            }
            pieces.sort_unstable();
            // The class of the state's work to come, fine (0) or coarse (1).
            let mut class = |way: usize| -> u32 {
                left[way].sort_unstable();
                open[way].sort_unstable();
                alike.clear();
                alike.push(u32::from(key[width]));
                alike.extend(&left[way]);
                alike.push(u32::MAX);
                alike.extend(open[way].iter().flatten());
                let n = ids[way].len() as u32;
                match ids[way].get(alike.as_slice()) {
                    Some(&id) => id,
                    None => {
                        ids[way].insert(alike.clone(), n);
                        n
                    }
                }
            };
            let classes = [class(0), class(1)];
            // The cost with the late minute-days the items left owe whatever happens taken off.
            let rank: Rank = (
                cost.outside,
                i128::from(cost.late) - i128::from(owed),
                cost.optional,
                cost.reference,
                cost.moved,
                cost.earliness,
                cost.within,
            );
            let i = judged.len();
            for (best, id) in best.iter_mut().zip(classes) {
                let id = id as usize;
                if id == best.len() {
                    best.push(i);
                } else {
                    let other = &judged[best[id]];
                    if (rank, &key[..]) < (other.rank, other.key) {
                        best[id] = i;
                    }
                }
            }
            judged.push(Judging {
                key,
                rank,
                pieces,
                classes,
            });
        }
        // A state goes where the best of its class, or of its coarse class, beats it: that
        // one's walks on are its walks, at the same cost but for the sessions they keep (the
        // same ones within a class, where nothing else can tell them apart).
        let behind: Vec<Box<[u16]>> = judged
            .iter()
            .enumerate()
            .filter(|&(i, this)| {
                (0..2)
                    .map(|way| best[way][this.classes[way] as usize])
                    .any(|at| at != i && this.beaten_by(&judged[at]))
            })
            .map(|(_, this)| this.key.into())
            .collect();
        for key in behind {
            states.remove(&key);
        }
    }

    /// The [`Suffixes`], found the first time they are asked for.
    fn suffixes(&self) -> &Suffixes {
        self.suffixes.get_or_init(|| Suffixes::new(self))
    }

    /// Σ minutes × the day of its window's end of the parts of a required `task` from part
    /// `placed` on: late minute-days its parts owe wherever they go after the window.
    fn owed(&self, task: &Task, placed: usize) -> u64 {
        let end = task.window.map_or(0, |w| self.problem.day(w.1));
        task.parts[placed.min(task.parts.len())..]
            .iter()
            .map(|&m| u64::from(m) * u64::from(end))
            .sum()
    }

    /// What `minutes` of `task` cost at least wherever a walk places them from slot `d + 1`
    /// on, added to `most`: the next slot's day and the next slot each, and, for a required
    /// task whose window has ended by slot `d`, all of them outside the window and each late
    /// by at least the days from its window's end to the next slot's day. (Other tasks may
    /// still go inside their windows.) What leaving an optional item out or keeping a session
    /// saves is the caller's.
    fn pay(&self, d: u32, task: &Task, minutes: u32, most: &mut Cost) {
        let next = self.problem.day(d + 1);
        most.earliness += u64::from(minutes) * u64::from(next);
        most.within += u64::from(minutes) * u64::from(d + 1);
        if let (Kind::Required, Some((_, end))) = (task.kind, task.window) {
            if end <= d {
                most.outside = most.outside.saturating_add(minutes);
                let days = self.problem.days_after(d + 1, end);
                most.late += u64::from(minutes) * u64::from(days);
            }
        }
    }

    /// Whether another state of slot `d` has placed one more part of an item the state `key`
    /// (of `cost`) has started, and is otherwise the same: as with items in
    /// [`Bounds::dominate`], it can follow every walk from this one, leaving that part out, and
    /// the walk pays for the part at least its minutes × the next slot's day (less one session
    /// kept on its previous day). `probe` is room for the other's key.
    fn part_ahead(
        &self,
        d: u32,
        key: &[u16],
        cost: Cost,
        states: &Slot,
        probe: &mut Vec<u16>,
    ) -> bool {
        let (problem, sections) = (self.problem, self.sections);
        let width = sections.len() * 3;
        // With the next slot on the same day, the other's part may be on this day or before.
        let flags: &[bool] = if problem.day(d + 1) == problem.day(d) {
            &[false, true]
        } else {
            &[false]
        };
        let open: Vec<Open> = Open::decode(key, width).collect();
        open.iter().enumerate().any(|(i, &o)| {
            let task = &problem.tasks[o.task(sections)];
            let p = usize::from(o.placed);
            let mut most = cost;
            self.pay(d, task, task.parts[p], &mut most);
            let previous = task.previous.as_ref().and_then(|v| v.get(p));
            if previous.is_some_and(|&x| x != u32::MAX && x > d) {
                most.moved = most.moved.saturating_sub(1);
            }
            flags.iter().any(|&today| {
                probe.clear();
                probe.extend_from_slice(&key[..=width]);
                for (j, &x) in open.iter().enumerate() {
                    if j != i {
                        x.encode(probe);
                    } else if p + 1 < task.parts.len() {
                        let placed = x.placed + 1;
                        Open { placed, today, ..x }.encode(probe);
                    }
                }
                states
                    .get(&probe[..])
                    .is_some_and(|(other, _)| *other <= most)
            })
        })
    }

    /// The required work still to come by window, sorted: each window's last slot, first slot
    /// and where its counts of parts by size (of `sizes`) begin in the second vector. The
    /// windows of each section's required items from its count on, and of the parts still
    /// to place of each required item started.
    fn histograms(&self, key: &[u16]) -> Histograms {
        let n = self.sizes.len();
        // Sized once: growing them by pushes took about 0.5 of the walk's 7.6 billion
        // instructions at 0.5 h a day on the bundled path (callgrind).
        let open = key.len().saturating_sub(self.sections.len() * 3 + 1) / 3;
        let most = self.sections.iter().map(|s| s.windows.len()).sum::<usize>() + open;
        let (mut windows, mut hist) = (Vec::with_capacity(most), Vec::with_capacity(most * n));
        for (s, section) in self.sections.iter().enumerate() {
            let at = (key[s * 3] as usize).min(section.by_size.len() - 1);
            for (&(first, last), counts) in section.windows.iter().zip(&section.by_size[at]) {
                if !counts.is_empty() {
                    windows.push((last, first, hist.len()));
                    hist.extend_from_slice(counts);
                }
            }
        }
        for (_, task, parts) in self.unplaced(key) {
            if let (Some((first, last)), false) = (task.window, parts.is_empty()) {
                windows.push((last, first.max(task.release), hist.len()));
                hist.resize(hist.len() + n, 0);
                let base = hist.len() - n;
                for &m in parts {
                    if let Ok(k) = self.sizes.binary_search(&m) {
                        hist[base + k] += 1;
                    }
                }
            }
        }
        windows.sort_unstable();
        (windows, hist)
    }

    /// The required items a state has started and not placed every part of: their section,
    /// task and the parts still to place.
    fn unplaced<'k>(
        &self,
        key: &'k [u16],
    ) -> impl Iterator<Item = (usize, &'a Task, &'a [u32])> + 'k
    where
        'a: 'k,
    {
        self.started(key, true)
    }

    /// The items of a state started and not placed every part of, required ones or optional
    /// and reference ones: their section, task and the parts still to place.
    fn started<'k>(
        &self,
        key: &'k [u16],
        required: bool,
    ) -> impl Iterator<Item = (usize, &'a Task, &'a [u32])> + 'k
    where
        'a: 'k,
    {
        let (problem, sections) = (self.problem, self.sections);
        Open::decode(key, sections.len() * 3)
            .filter(move |o| (o.at % 3 == 0) == required)
            .map(move |o| {
                let task = &problem.tasks[o.task(sections)];
                (
                    usize::from(o.at / 3),
                    task,
                    &task.parts[usize::from(o.placed)..],
                )
            })
    }

    /// Whether the parts still to place of a state's optional and reference items fit the
    /// room after the state's slot `d` up to their windows' ends: such an item counts as
    /// scheduled when it starts, so a state where one cannot place its last part inside its
    /// window leads nowhere. The items whose windows end by a slot together need no more than
    /// the room up to it, and each item's parts, one a day, no more days than its window has
    /// left.
    fn started_fit(&self, d: u32, key: &[u16]) -> bool {
        let mut left: Vec<(u32, u64)> = Vec::new();
        for (_, task, parts) in self.started(key, false) {
            let end = task.latest_for_optional().unwrap_or(u32::MAX);
            if parts.len() > self.study_days_after(d, end) {
                return false;
            }
            left.push((end, parts.iter().map(|&m| u64::from(m)).sum()));
        }
        left.sort_unstable();
        let mut sum = 0;
        left.into_iter().all(|(end, minutes)| {
            sum += minutes;
            sum <= self.room_after(d, end)
        })
    }

    /// The room of the slots after `d` up to `end`.
    fn room_after(&self, d: u32, end: u32) -> u64 {
        let top = self.room.len() - 1;
        let at = |s: u32| self.room[(s as usize).min(top)];
        at(end.saturating_add(1)).saturating_sub(at(d.saturating_add(1)))
    }

    /// At most how many days have room in the slots after `d` up to `end`: the study days
    /// that begin there, and `d`'s own day when the slot after it is on that day too.
    fn study_days_after(&self, d: u32, end: u32) -> usize {
        let top = self.study_days.len() - 1;
        let at = |s: u32| self.study_days[(s as usize).min(top)];
        let next = d.saturating_add(1);
        let begun = at(end.saturating_add(1)).saturating_sub(at(next));
        let same_day = usize::from(self.problem.day(next) == self.problem.day(d));
        begun as usize + same_day
    }

    /// The minutes of a state's required work still to place: of the items not started, and
    /// the parts still to place of those started.
    fn required(&self, key: &[u16]) -> u64 {
        let chains = self.sections.iter().enumerate().map(|(s, section)| {
            let rest = &section.rest[0];
            u64::from(rest[(key[s * 3] as usize).min(rest.len() - 1)])
        });
        let started = self
            .unplaced(key)
            .flat_map(|(_, _, parts)| parts)
            .map(|&m| u64::from(m));
        chains.sum::<u64>() + started.sum::<u64>()
    }

    /// The least required minutes of a state at the end of slot `d` (`required` of them still
    /// to place) that go outside their windows, by the slots' [`Prices`]: what the room still
    /// to come costs at its prices, plus what each section's chain and its started items can
    /// gain at most from slot `d + 1` on, is the most that can still go inside.
    fn priced_loss(&self, d: u32, key: &[u16], required: u64) -> u64 {
        self.priced_loss_from(d + 1, key, required)
    }

    /// [`Bounds::priced_loss`] of a state whose next slot is `next` (0: before any step).
    fn priced_loss_from(&self, next: u32, key: &[u16], required: u64) -> u64 {
        let inside = |prices: &Prices| {
            let most = self.priced_inside(prices, next, key);
            required.saturating_sub(u64::try_from(most.max(0) / Prices::SCALE).unwrap_or(0))
        };
        self.prices.iter().map(inside).max().unwrap_or(0)
    }

    /// The most a state whose next slot is `next` gains at `prices`, in [`Prices::SCALE`]ths
    /// of a minute inside its window (see [`Bounds::priced_loss`]).
    fn priced_inside(&self, prices: &Prices, next: u32, key: &[u16]) -> i64 {
        if prices.gain.len() != self.sections.len() {
            return i64::MAX; // not priced
        }
        let mut most = prices.paid[(next as usize).min(prices.paid.len() - 1)];
        for (s, gain) in prices.gain.iter().enumerate() {
            most += gain.at(next, usize::from(key[s * 3]));
        }
        for (_, task, parts) in self.unplaced(key) {
            let last = task.window.map_or(0, |w| w.1);
            for &m in parts {
                most += prices.best(self.problem, m, next, last, None).0;
            }
        }
        most
    }

    /// Set the [`Prices`] of the slots' room: those that bound the required minutes inside
    /// their windows best before any step, towards the plan at hand's, and those that bound
    /// best at every [`PRICED`]th state of `visited` (a plan's states, the last first, as
    /// [`walk_states`] gives them), towards what that plan places inside from there.
    fn price(&mut self, visited: &[Visited]) {
        let root: Box<[u16]> = vec![0u16; self.sections.len() * 3 + 1].into();
        let outside = |cost: Option<Cost>| cost.map(|c| u64::from(c.outside));
        let known = outside(self.known);
        let mut states = vec![(0u32, root, known, Prices::STEPS)];
        let last = visited.first().map(|v| u64::from(v.2.outside));
        states.extend(
            visited
                .iter()
                .rev()
                .step_by(PRICED)
                .skip(1)
                .map(|(d, key, cost)| {
                    let lost = last.map(|l| l.saturating_sub(u64::from(cost.outside)));
                    (d + 1, key.clone(), lost, Prices::STEPS_FURTHER)
                }),
        );
        let mut prices = Vec::with_capacity(states.len());
        for (next, key, lost, steps) in states {
            let required = self.required(&key);
            let target = lost.map(|l| required.saturating_sub(l));
            let (windows, hist) = self.histograms(&key);
            let open: Vec<(u32, u32, usize)> = windows
                .iter()
                .filter(|w| w.0 >= next)
                .map(|&(last, first, at)| (last, first.max(next), at))
                .collect();
            let (spans, _) = deficits(&open, &hist, &self.sizes, &self.measures, &self.room);
            prices.push(Prices::new(self, (next, &key), &spans, target, steps));
        }
        self.prices = prices;
    }

    /// The least of any plan at priorities 1 and 2: the bounds of the state before any step.
    /// The required minutes outside their windows by how parts pack and by the [`Prices`];
    /// the late minute-days by [`tardiness`], of the minutes and of every measure by size.
    fn least(&self) -> Least {
        let root = vec![0u16; self.sections.len() * 3 + 1];
        let (windows, hist) = self.histograms(&root);
        let packed = packing(0, &windows, &hist, &self.sizes, &self.measures, &self.room);
        let minutes = self.spans_of_minutes(&windows, &hist);
        let late = tardiness(self.problem, 0, &minutes, &self.room, &self.weighted);
        Least {
            outside: packed.max(self.priced_loss_from(0, &root, self.required(&root))),
            late: late.max(self.late_by_measures(0, &windows, &hist)),
            floor: None,
        }
    }

    /// The required work still to come by window ([`Bounds::histograms`]), in minutes.
    fn spans_of_minutes(&self, windows: &[(u32, u32, usize)], hist: &[u64]) -> Vec<Span> {
        let n = self.sizes.len();
        windows
            .iter()
            .map(|&(last, first, at)| {
                let parts = hist[at..at + n].iter().zip(&self.sizes);
                (last, first, parts.map(|(&c, &x)| c * u64::from(x)).sum())
            })
            .collect()
    }

    /// The most late minute-days any [`Measure`] by size finds in the required work still to
    /// come by window ([`Bounds::histograms`]), when slots `next..` take it (0 without one).
    fn late_by_measures(&self, next: u32, windows: &[(u32, u32, usize)], hist: &[u64]) -> u64 {
        let n = self.sizes.len();
        let mut items: Vec<Span> = Vec::with_capacity(windows.len());
        let mut late = 0;
        for measure in &self.measures {
            items.clear();
            items.extend(
                windows
                    .iter()
                    .map(|&(last, first, at)| (last, first, measure.weigh(&hist[at..at + n]))),
            );
            let (held, weighted) = (&measure.holds, &measure.holds_weighted);
            let units = tardiness(self.problem, next, &items, held, weighted);
            late = late.max(measure.minutes(units, &self.sizes));
        }
        late
    }

    /// The least late minute-days of the required work still to come by window
    /// ([`Bounds::histograms`]) when every one of its windows has ended before slot `next`
    /// (0 otherwise), by how many of its parts of each size the slots from `next` on can hold.
    ///
    /// A slot of `r` minutes holds at most `r / x` parts of `x` minutes or more, so the slots
    /// from `next` to `s` hold at most the parts the most of whose minutes those counts allow
    /// together, never more minutes than their room, and never more than the parts whose
    /// weight by each big-and-small [`Measure`] those slots hold ([`Filling`]): at most
    /// `most(s)` minutes. Every
    /// minute goes on a day no earlier than its slot's, so with all the work late, Σ minutes ×
    /// day is at least Σ over slots of day × (most(s) − most(s − 1)) (up to every minute), less
    /// Σ minutes × its window's last day. The measures of [`Measure`] weigh a part by its size
    /// alone, and turn weight back into minutes at the cheapest rate, so they lose the minutes
    /// of the larger parts; after the last window, where the slow proofs spend their time,
    /// this does not.
    fn late_by_sizes(&self, next: u32, windows: &[(u32, u32, usize)], hist: &[u64]) -> u64 {
        let (problem, sizes) = (self.problem, &self.sizes);
        if windows.is_empty() || !ended_before(windows, next) {
            return 0;
        }
        let n = sizes.len();
        let mut counts = vec![0u64; n];
        let mut due = 0u64;
        for &(last, _, at) in windows {
            let day = u64::from(problem.day(last));
            for (k, &c) in hist[at..at + n].iter().enumerate() {
                counts[k] += c;
                due += c * u64::from(sizes[k]) * day;
            }
        }
        // The rest depends on the counts alone.
        let sum = self
            .by_sizes
            .get_or_find(next, &counts, || self.late_days_by_sizes(next, &counts));
        sum.saturating_sub(due)
    }

    /// [`Bounds::late_by_sizes`]'s least Σ minutes × day of the parts counted by size in
    /// `counts`, placed from slot `next` on.
    fn late_days_by_sizes(&self, next: u32, counts: &[u64]) -> u64 {
        let (problem, sizes) = (self.problem, &self.sizes);
        let n = sizes.len();
        let total: u64 = counts
            .iter()
            .zip(sizes)
            .map(|(&c, &x)| c * u64::from(x))
            .sum();
        let top = self.room.len() - 1;
        let from = next as usize;
        // The counts by size miss that a part of 17 to 25 minutes takes a 30-minute day of
        // its own where parts of 15 could share one (they let each day hold 25 + 15, cut to
        // the room's 30); a big-and-small measure weighs those parts 30 each.
        let big_and_small = &self.big_and_small;
        let mut fillings: Vec<Filling> = big_and_small
            .iter()
            .map(|m| m.filling(counts, sizes))
            .collect();
        let (mut placed, mut sum) = (0u64, 0u64);
        for slot in from..top {
            // How many parts of size `k` or more the slots `next..=slot` hold.
            let held = |k: usize| {
                let holds = &self.holds_by_size[k];
                holds[slot + 1].saturating_sub(holds[from])
            };
            // The most minutes of parts the slots so far hold by those counts: the largest
            // parts first, each size as many as its count (never more than the count of a
            // smaller size: the sizes go up) less the parts taken already, all of them at
            // least that large. The counts nest, so this greedy choice is the best.
            let (mut taken, mut most) = (0u64, 0u64);
            for k in (0..n).rev() {
                let take = counts[k].min(held(k).saturating_sub(taken));
                taken += take;
                most += take * u64::from(sizes[k]);
            }
            let mut most = most.min(self.room[slot + 1] - self.room[from]);
            for (filling, measure) in fillings.iter_mut().zip(big_and_small) {
                most = most.min(filling.most(measure.holds[slot + 1] - measure.holds[from]));
            }
            let day = u64::from(problem.day(slot as u32));
            // (Never less than before: every count and the room only grow.)
            sum += most.saturating_sub(placed) * day;
            placed = placed.max(most);
            if placed == total {
                break;
            }
        }
        // Whatever the slots cannot hold goes on the last day at the earliest.
        let last = u64::from(problem.day(top.saturating_sub(1) as u32));
        sum + (total - placed) * last
    }

    /// The least late minute-days of a state's required work still to come from slot `next`
    /// on, by the order its sections' chains impose, weighed by each big-and-small [`Measure`]
    /// and by parts ([`Bounds::hull_by_parts`]).
    ///
    /// A part's late minute-days are at least its minutes × (its day − its window's last day),
    /// which is less than 0 inside the window: so Σ minutes × day less Σ minutes × the window's
    /// last day bounds them while windows are still open too. There the parts inside their
    /// windows count as less than 0, and the bound is the weaker the more of them there are.
    /// At 0.35 h a day on the bundled path, on days 50–80, most states' bound (10th to 90th
    /// percentile) was 5,965–7,897 late minute-days under the optimum without it (by minutes
    /// and sizes alone); with it 1,151–2,354 on days 50–55 and 2–1,085 on days 60–80, and the
    /// whole process took 3.6–4.0 s instead of 4.5–6.6 s.
    ///
    /// Take a plan's parts from slot `next` on by slot (those of one slot in their chains'
    /// order). The weight of a part and of those before it, `S`, fits the slots up to its own,
    /// so its day is at least `f(S)`, the day of the first slot by which the slots from `next`
    /// hold that weight. `f` is a staircase; any line under it, `αS + β` with `α ≥ 0`, bounds
    /// Σ minutes × day by α Σ minutes × S + β Σ minutes. The least Σ minutes × S over the
    /// orders that keep the chains is a single machine's Σ weight × completion time under
    /// chain precedence, where a part's processing time is its weight: Sidney's decomposition
    /// solves it exactly (each chain cut into blocks of falling minutes per weight, all blocks
    /// by minutes per weight). The best line is the one under `f`'s convex minorant at the
    /// minutes-weighted mean of `S`. Precedence kept: the first parts of a section's items
    /// still to start, in path order, and after each first part the item's later parts, in
    /// order, each on a later day (a tree: Sidney's blocks of the later parts and of the items
    /// after, merged by minutes per weight, after the first part; Lawler's series-parallel
    /// rule); the parts still to place of an item started, in order.
    ///
    /// Where most parts take a day each, the days are the positions of that order, and the
    /// bound is the optimum but for the pairs of small parts: the chains then force a section's
    /// 20-minute item on a day of its own before its 25-minute one, which the bounds by size
    /// alone put last. The big-and-small measures weigh a part that two of could share a day as
    /// less than a day, though the state may have only one: at 0.35 h a day (21 minutes) on the
    /// bundled path one 10-minute item weighed half a day, and the bound after the last window
    /// was about 490 late minute-days under the optimum of most states. So every part also
    /// weighs 1, where a slot holds as many as the state's smallest parts that fit its room
    /// together: there one a day, and the bound is the optimum (a single machine's, Horn's
    /// tree order, checked on the states of that walk with a temporary exact solver). The
    /// path at 0.35 h, open at 10 s, is proven; 0.25 and 0.3 h went from 7.7–8.4 and
    /// 5.1–5.6 s to under 2 s (BENCHMARKS.md, session 64).
    ///
    /// The blocks of the items not started depend only on each section's count, so they are
    /// found once ([`Suffixes`]); a state sorts them with its started items' blocks. Found
    /// for every state, this function alone took 13 % of the samples (perf) of the replan
    /// after the `finished` slip at 0.5 h a day, with more in its sorting and allocation; found
    /// once, that replan went from 1.51–1.60 s to 1.33–1.42 s whole-process (interleaved, four
    /// runs each).
    fn late_in_order(
        &self,
        next: u32,
        windows: &[(u32, u32, usize)],
        hist: &[u64],
        key: &[u16],
    ) -> u64 {
        let (problem, sections) = (self.problem, self.sections);
        let next = next as usize;
        if windows.is_empty() || next >= self.room.len() - 1 {
            return 0;
        }
        // The required parts still to place, as chains: those of the items not started (by
        // section and count, found once), and the parts left of each item started; and the
        // Σ minutes × their window's last day they owe whatever happens.
        let minutes = self.required(key);
        let suffixes = self.suffixes();
        let mut owed: u64 = (0..sections.len())
            .map(|s| suffixes.owed[s][usize::from(key[s * 3]).min(suffixes.owed[s].len() - 1)])
            .sum();
        let started: Vec<&[u32]> = self
            .unplaced(key)
            .map(|(_, task, left)| {
                owed += self.owed(task, task.parts.len() - left.len());
                left
            })
            .collect();
        if minutes == 0 {
            return 0;
        }
        let size = |m: u32| self.sizes.binary_search(&m).unwrap_or(0);
        let mut blocks: Vec<Block> = Vec::with_capacity(64);
        // The least Σ minutes × day by one weighing: the blocks of the items not started
        // (`suffix`, per section and count), each part of those started weighed by `weigh`,
        // and the staircase of the weight the slots hold (`hull`).
        let mut least = |suffix: &[Vec<Vec<Block>>], weigh: &dyn Fn(u32) -> u64, hull: &[_]| {
            blocks.clear();
            for (s, of) in suffix.iter().enumerate() {
                blocks.extend_from_slice(&of[usize::from(key[s * 3]).min(of.len() - 1)]);
            }
            for left in &started {
                Block::chain(left.iter().map(|&m| (u64::from(m), weigh(m))), &mut blocks);
            }
            // Most minutes per weight first (the order within a chain stays: its blocks
            // fall); blocks of equal minutes per weight cost the same in any order.
            blocks.sort_unstable_by(|a, b| (b.minutes * a.weight).cmp(&(a.minutes * b.weight)));
            let (mut weight, mut sum) = (0u64, 0u128);
            for block in &blocks {
                sum += u128::from(block.inner) + u128::from(block.minutes) * u128::from(weight);
                weight += block.weight;
            }
            least_days(hull, minutes, sum)
        };
        let mut most = 0u64;
        for (q, (measure, hull)) in self.big_and_small.iter().zip(self.hulls(next)).enumerate() {
            let weigh = |m: u32| measure.weight[size(m)];
            most = most.max(least(&suffixes.blocks[q], &weigh, hull));
        }
        // Every part weighing 1, where a slot holds as many parts as the state's smallest fill.
        let hull = self.hull_by_parts(next as u32, windows, hist);
        most = most.max(least(&suffixes.units, &|_| 1, &hull));
        let floor = minutes * u64::from(problem.day(next as u32));
        most.max(floor).saturating_sub(owed)
    }

    /// Per big-and-small measure, the lower convex hull of the staircase of the day by which
    /// the slots from `next` on hold a weight (see [`Bounds::late_in_order`]), found once per
    /// slot ([`Bounds::hull`]).
    fn hulls(&self, next: usize) -> &[Hull] {
        self.hulls[next].get_or_init(|| {
            self.big_and_small
                .iter()
                .map(|measure| {
                    let holds = &measure.holds;
                    self.hull(next, |t| holds[t + 1] - holds[t])
                })
                .collect()
        })
    }

    /// The lower convex hull of the staircase of the day by which the slots from `next` on
    /// hold a number of the required parts still to come, counted by size by window in `hist`
    /// ([`Bounds::histograms`]): a slot holds no more of them than of their smallest, as many
    /// as its room holds together. Found once per slot and smallest parts.
    fn hull_by_parts(&self, next: u32, windows: &[(u32, u32, usize)], hist: &[u64]) -> Hull {
        let (sizes, room) = (&self.sizes, &self.room);
        // The smallest parts while their minutes together fit the widest slot, and one more.
        let mut smallest: Vec<u32> = Vec::new();
        let mut together = 0u64;
        'sizes: for (k, &x) in sizes.iter().enumerate() {
            for _ in 0..windows.iter().map(|&(_, _, at)| hist[at + k]).sum::<u64>() {
                smallest.push(x);
                together += u64::from(x);
                if together > self.widest {
                    break 'sizes;
                }
            }
        }
        self.by_parts.get_or_find(next, &smallest, || {
            self.hull(next as usize, |t| {
                let mut left = room[t + 1] - room[t];
                let mut held = 0;
                for &x in &smallest {
                    match left.checked_sub(u64::from(x)) {
                        Some(rest) => left = rest,
                        None => break,
                    }
                    held += 1;
                }
                held
            })
        })
    }

    /// The lower convex hull of the staircase of the day by which the slots from `next` on
    /// hold a weight, where slot `t` holds `held(t)`: its lower right corners, (weight held by
    /// the end of a slot, its day), each slot that holds more than the one before, after
    /// (0, the day of slot `next`).
    ///
    /// That first corner is where the staircase starts: parts that weigh nothing (a measure
    /// may weigh the smallest parts so) may go on slot `next`. Without it the hull began at
    /// the first slot holding some weight, and [`least_days`] carried its first segment on
    /// below it, to a day past slot `next`'s where the slots before hold nothing: with a
    /// 5-minute part left, weighing nothing, and slot `next` holding only it, the bound said
    /// 10 late minute-days where 5 were reached, and the whole walk left out every state of
    /// the plan it had proven (a random test, `it_finds_the_optimum_in_gaps_of_a_day`).
    fn hull(&self, next: usize, held: impl Fn(usize) -> u64) -> Hull {
        let mut hull: Vec<(u64, u64)> = vec![(0, u64::from(self.problem.day(next as u32)))];
        let mut sum = 0;
        for t in next..self.room.len() - 1 {
            sum += held(t);
            if sum == 0 || hull.last().is_some_and(|&(h, _)| h == sum) {
                continue;
            }
            let point = (sum, u64::from(self.problem.day(t as u32)));
            // Drop the last corner while it is on or above the line from the one before to
            // this one.
            while let [.., a, b] = hull[..] {
                let cross = i128::from(b.0 - a.0) * (i128::from(point.1) - i128::from(a.1))
                    - (i128::from(b.1) - i128::from(a.1)) * i128::from(point.0 - a.0);
                if cross > 0 {
                    break;
                }
                hull.pop();
            }
            hull.push(point);
        }
        hull
    }

    /// The least any plan costs, by the states of the whole walk: after each slot whose
    /// states all have their bounds, the least of those bounds (or the plan at hand's cost,
    /// where none is kept), the greatest of these over the slots. Every plan goes through one
    /// of a slot's states, or through one left out for a state with the same key that costs
    /// less, for another that does as well ([`Bounds::dominate`]), or for ending past the plan
    /// at hand. Where the whole walk cannot finish, the MIP's plan is measured against it
    /// ([`Walked::least`]): at 10 s the replan after the `finished` slip at 0.5 h a day has
    /// priority 1 proven by it (the MIP's gap there was 0.11 %), and with double weekends at
    /// 0.25–0.4 h a day the gaps went from 15–23 % to 3–6 % (BENCHMARKS.md, session 30).
    fn floor(&self) -> Option<Cost> {
        *self
            .floor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Raise [`Bounds::floor`] to `least` where that is more.
    fn raise_floor(&self, least: Cost) {
        let mut floor = self
            .floor
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *floor = Some(floor.map_or(least, |f| f.max(least)));
    }

    /// Take a plan as the plan at hand when it costs less (and places every required item).
    fn improve(&mut self, days: &[Option<Vec<u32>>]) {
        let problem = self.problem;
        if days.len() != problem.tasks.len()
            || problem
                .tasks
                .iter()
                .zip(days)
                .any(|(t, d)| t.kind == Kind::Required && d.is_none())
        {
            return;
        }
        let levels = Levels::of(problem, days);
        let cost = Cost {
            outside: (u64::from(self.total[0]).saturating_sub(levels.required_in_window)) as u32,
            late: levels.late_minute_days,
            optional: (u64::from(self.total[1]).saturating_sub(levels.optional)) as u32,
            reference: (u64::from(self.total[2]).saturating_sub(levels.reference)) as u32,
            moved: (u64::from(self.first.moved).saturating_sub(levels.kept)) as u32,
            earliness: levels.earliness,
            within: problem
                .tasks
                .iter()
                .zip(days)
                .filter_map(|(t, d)| Some(t.parts.iter().zip(d.as_ref()?)))
                .flatten()
                .map(|(&m, &slot)| u64::from(m) * u64::from(slot))
                .sum(),
        };
        if self.known.is_none_or(|known| cost < known) {
            self.known = Some(cost);
        }
    }
}

/// One choice of a slot: the counts at its end, the items with parts still to place, the
/// day's minutes used by then, what it adds, and the parts placed (when recorded).
struct Choice {
    /// Its counts and its items with parts to place, in [`Walk::found_counts`] and
    /// [`Walk::found_open`]: not two allocations of its own (see [`Scratch`]).
    counts: std::ops::Range<usize>,
    open: std::ops::Range<usize>,
    minutes: u32,
    added: Added,
    parts: Vec<Part>,
}

/// The choices of one slot from one state: which parts of items started each section places,
/// and which items it starts.
struct Walk<'a> {
    problem: &'a Problem,
    sections: &'a [Section],
    slot: u32,
    counts: Vec<u16>,
    /// Items started with parts still to place (and, once placed here, those placed).
    open: Vec<Open>,
    /// Room of the slot used, and its room.
    room: u32,
    cap: u32,
    /// Study minutes of the slot's day used (by earlier slots too), by earlier slots alone,
    /// and the day's most.
    minutes: u32,
    used: u32,
    day_minutes: u32,
    /// What the slot's choices so far add.
    added: Added,
    /// Whether to keep the parts of every choice (for the way back), and those chosen so far.
    record: bool,
    parts: Vec<Part>,
    /// The chains (`section × 3 + kind`) whose [`Walk::subsets`] have been asked for, with
    /// them (the same for every choice before it). A list of the few asked for: a slot of
    /// every chain, allocated and cleared for every state, was 5 KiB a state under
    /// `--any-order` (222 chains).
    picks: Vec<(u16, Vec<Pick>)>,
    /// Every choice of the slot.
    found: Vec<Choice>,
    /// The choices' counts and items with parts to place, one after the other.
    found_counts: Vec<u16>,
    found_open: Vec<Open>,
    /// Per section: whether it has anything to place or start on the slot. The others have
    /// one choice, nothing, and the choices skip them: under `--any-order` the bundled path has
    /// 74 sections of one chain each, and going through every one of them for every choice
    /// took a sixth of the walks' time at 0.8 h a day.
    active: Vec<bool>,
}

impl Walk<'_> {
    /// Whether part `p` of task `t` may go in this walk's slot (its first part: whether the
    /// task may start).
    fn may_place(&self, t: usize, p: usize) -> bool {
        may_place(self.problem, &self.problem.tasks[t], p, self.slot)
    }

    /// Whether a session of `size` minutes fits what the slot and its day have left.
    fn fits(&self, size: u32) -> bool {
        self.room + self.problem.room(size) <= self.cap && self.minutes + size <= self.day_minutes
    }

    /// What placing part `p` of task `t` in this walk's slot adds: a started item's minutes by
    /// kind (the whole item, which must then be placed in full), required minutes outside
    /// their windows and their late minute-days, and a session kept on its previous day.
    fn adds(&self, t: usize, p: usize, added: &mut Added) {
        let task = &self.problem.tasks[t];
        let k = KINDS.iter().position(|&x| x == task.kind).unwrap_or(0);
        if p == 0 {
            added.minutes[k] += task.minutes();
        }
        let minutes = task.parts[p];
        if let Some((_, end)) = task.window {
            if task.kind == Kind::Required && self.slot > end {
                added.outside += minutes;
                added.late +=
                    u64::from(minutes) * u64::from(self.problem.days_after(self.slot, end));
            }
        }
        if task.previous.as_ref().and_then(|v| v.get(p)) == Some(&self.slot) {
            added.kept += 1;
        }
    }

    /// Place part `p` of task `t` here (it fits).
    fn place(&mut self, t: usize, p: usize) {
        let size = self.problem.tasks[t].parts[p];
        self.room += self.problem.room(size);
        self.minutes += size;
        let mut added = self.added;
        self.adds(t, p, &mut added);
        self.added = added;
        if self.record {
            self.parts.push((t, p));
        }
    }

    /// Every choice for sections `s..`, given the choices before.
    fn choose(&mut self, s: usize) {
        let s = (s..self.sections.len())
            .find(|&s| self.active[s])
            .unwrap_or(self.sections.len());
        if s == self.sections.len() {
            let parts = if self.record {
                self.parts.clone()
            } else {
                Vec::new()
            };
            let (c, o) = (self.found_counts.len(), self.found_open.len());
            self.found_counts.extend_from_slice(&self.counts);
            self.found_open.extend_from_slice(&self.open);
            self.found.push(Choice {
                counts: c..self.found_counts.len(),
                open: o..self.found_open.len(),
                minutes: self.minutes,
                added: self.added,
                parts,
            });
            return;
        }
        self.advance(s, 0);
    }

    /// Every choice for chain `k..` of section `s`, given the choices before.
    fn advance(&mut self, s: usize, k: usize) {
        if k == 3 {
            self.choose(s + 1);
            return;
        }
        // Optional and reference work only once every required item is done: started, and
        // every part placed, on this slot or before.
        if k > 0 && !self.required_done(s) {
            self.advance(s, k + 1);
            return;
        }
        self.carry(s, k, 0);
    }

    /// Whether every required item that section `s`'s optional and reference items wait for
    /// ([`Section::needs`]) has started and has all its parts placed.
    fn required_done(&self, s: usize) -> bool {
        self.sections[s].needs.iter().all(|&g| {
            self.counts[g * 3] as usize == self.sections[g].chains[0].len()
                && self.open.iter().all(|&o| {
                    usize::from(o.at) != g * 3
                        || usize::from(o.placed)
                            == self.problem.tasks[o.task(self.sections)].parts.len()
                })
        })
    }

    /// The next parts of chain `k` of section `s`'s items started, from the `from`th item with
    /// parts still to place: each placed here or not; then the items it starts.
    fn carry(&mut self, s: usize, k: usize, from: usize) {
        let at = (s * 3 + k) as u16;
        let Some(i) = (from..self.open.len()).find(|&i| self.open[i].at == at) else {
            if k == 0 {
                self.start_next(s);
            } else {
                let cached = self.picks.iter().position(|(c, _)| *c == at);
                let picks = match cached {
                    Some(i) => std::mem::take(&mut self.picks[i].1),
                    None => self.subsets(s, k),
                };
                for pick in &picks {
                    // Sets are found for the slot's whole room: this one, where it fits what
                    // the choices before left.
                    if self.room + pick.room > self.cap
                        || self.minutes + pick.minutes > self.day_minutes
                    {
                        continue;
                    }
                    let was = (self.counts[s * 3 + k], self.room, self.minutes, self.added);
                    let open = self.open.len();
                    self.counts[s * 3 + k] = pick.count;
                    self.room += pick.room;
                    self.minutes += pick.minutes;
                    self.added.minutes[k] += pick.whole;
                    self.added.kept += pick.kept;
                    self.open.extend(pick.opened.iter().map(|&index| Open {
                        at,
                        index,
                        placed: 1,
                        today: true,
                    }));
                    let len = self.parts.len();
                    self.parts.extend(pick.tasks.iter().map(|&t| (t, 0)));
                    self.advance(s, k + 1);
                    self.parts.truncate(len);
                    self.open.truncate(open);
                    (self.counts[s * 3 + k], self.room, self.minutes, self.added) = was;
                }
                match cached {
                    Some(i) => self.picks[i].1 = picks,
                    None => self.picks.push((at, picks)),
                }
            }
            return;
        };
        // Not placed here.
        self.carry(s, k, i + 1);
        let o = self.open[i];
        let (t, p) = (o.task(self.sections), usize::from(o.placed));
        let task = &self.problem.tasks[t];
        if o.today || p == task.parts.len() || !self.may_place(t, p) || !self.fits(task.parts[p]) {
            return;
        }
        let was = (self.room, self.minutes, self.added, self.parts.len());
        self.place(t, p);
        self.open[i] = Open {
            placed: o.placed + 1,
            today: true,
            ..o
        };
        self.carry(s, k, i + 1);
        self.open[i] = o;
        (self.room, self.minutes, self.added) = (was.0, was.1, was.2);
        self.parts.truncate(was.3);
    }

    /// Required items: the next ones of the chain, none of them left out.
    fn start_next(&mut self, s: usize) {
        let chain = &self.sections[s].chains[0];
        let was = (self.counts[s * 3], self.room, self.minutes, self.added);
        let (parts, open) = (self.parts.len(), self.open.len());
        // Starting none of them today.
        self.advance(s, 1);
        let mut n = was.0 as usize;
        while n < chain.len() && self.may_place(chain[n], 0) {
            let task = &self.problem.tasks[chain[n]];
            if !self.fits(task.parts[0]) {
                break;
            }
            self.place(chain[n], 0);
            if task.parts.len() > 1 {
                self.open.push(Open {
                    at: (s * 3) as u16,
                    index: n as u16,
                    placed: 1,
                    today: true,
                });
            }
            n += 1;
            self.counts[s * 3] = n as u16;
            self.advance(s, 1);
        }
        (self.counts[s * 3], self.room, self.minutes, self.added) = was;
        self.parts.truncate(parts);
        self.open.truncate(open);
    }

    /// Optional or reference items (chain `k` of section `s`): every set of the next items
    /// whose first parts fit the slot before any choice of it (every set that fits after
    /// some choices is one of these, found in the same order), items left out in between. Sets
    /// that end at the same item, take the same room and minutes, start as many minutes of
    /// items, keep as many sessions on their previous day and leave the same items with parts
    /// to place lead to the same state at the same cost, so one of each is kept.
    fn subsets(&self, s: usize, k: usize) -> Vec<Pick> {
        let chain = &self.sections[s].chains[k];
        let mut sets = vec![Pick {
            count: self.counts[s * 3 + k],
            room: 0,
            minutes: 0,
            whole: 0,
            kept: 0,
            opened: Vec::new(),
            tasks: Vec::new(),
        }];
        let mut index = 0;
        while index < sets.len() {
            for (j, &t) in chain.iter().enumerate().skip(sets[index].count as usize) {
                let task = &self.problem.tasks[t];
                let m = task.parts[0];
                let (room, minutes) = (sets[index].room, sets[index].minutes);
                let fits = room + self.problem.room(m) <= self.cap
                    && self.used + minutes + m <= self.day_minutes;
                if !self.may_place(t, 0) || !fits {
                    continue;
                }
                let mut added = Added::default();
                self.adds(t, 0, &mut added);
                let mut opened = sets[index].opened.clone();
                if task.parts.len() > 1 {
                    opened.push(j as u16);
                }
                let pick = Pick {
                    count: j as u16 + 1,
                    room: room + self.problem.room(m),
                    minutes: minutes + m,
                    whole: sets[index].whole + added.minutes[k],
                    kept: sets[index].kept + added.kept,
                    opened,
                    tasks: Vec::new(),
                };
                if !sets.iter().any(|x| x.same(&pick)) {
                    let mut tasks = Vec::new();
                    if self.record {
                        tasks = sets[index].tasks.clone();
                        tasks.push(t);
                    }
                    sets.push(Pick { tasks, ..pick });
                }
            }
            index += 1;
        }
        sets
    }
}

/// A set of one chain's next items for one slot: the count after its last item, the room and
/// minutes of their first parts, the minutes of the items, the sessions kept on their previous
/// day, the items (places in the chain) with parts still to place, and its tasks (when
/// recorded).
struct Pick {
    count: u16,
    room: u32,
    minutes: u32,
    whole: u32,
    kept: u32,
    opened: Vec<u16>,
    tasks: Vec<usize>,
}

impl Pick {
    fn same(&self, other: &Pick) -> bool {
        (
            self.count,
            self.room,
            self.minutes,
            self.whole,
            self.kept,
            &self.opened,
        ) == (
            other.count,
            other.room,
            other.minutes,
            other.whole,
            other.kept,
            &other.opened,
        )
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::solver::{
        greedy, is_feasible, test_problem, Levels, Options, Solution, TestSection,
    };
    use proptest::prelude::*;

    /// The walks alone, with the whole of a generous time limit.
    pub(in crate::solver) fn walked(problem: &Problem) -> Walked<()> {
        if problem.chains.is_empty() {
            return Walked {
                optimum: walked_in_any_order(problem).ok(),
                alongside: None,
                least: None,
            };
        }
        solve(problem, &[], 60.0, &Stop::never(), |_, _| ())
    }

    /// Under `--any-order` the walks race the MIP: here they run alone, with the greedy plan
    /// at hand, as the solver has.
    fn walked_in_any_order(problem: &Problem) -> Result<Days, Ended> {
        let sections = sections(problem).expect("a problem the walk covers");
        let mut bounds = Bounds::new(problem, &sections);
        bounds.improve(&greedy::schedule(problem));
        bounds.price(&[]);
        walk_in_turn(&mut bounds, 60.0, &Stop::never())
    }

    /// Sections with overlapping windows of one to three weeks, items in path order, one in
    /// four split in two or three parts; days of `minutes` on some weekdays (few, so that
    /// about one problem in ten has late work). Some items avoid a day, and some parts had a
    /// day in a previous plan (a replan's).
    fn problems() -> impl Strategy<Value = Problem> {
        problems_of(15..=40, 1..8)
    }

    /// As [`problems`], with short days and more items: most have late work, and many have
    /// parts of more than half a day, which the big-and-small measures of [`Measure`] count.
    fn short_days() -> impl Strategy<Value = Problem> {
        problems_of(20..=30, 5..12)
    }

    pub(in crate::solver) fn problems_of(
        minutes: std::ops::RangeInclusive<u32>,
        items: std::ops::Range<usize>,
    ) -> impl Strategy<Value = Problem> {
        let day = prop::option::weighted(0.2, 0u32..35);
        let parts = prop_oneof![
            3 => prop::collection::vec((1u32..=9, day.clone()), 1..=1),
            1 => prop::collection::vec((1u32..=9, day.clone()), 2..=3),
        ];
        let item = (0u8..3, parts, day);
        let section = (0u32..3, 0u32..3, prop::collection::vec(item, items));
        (
            minutes,
            prop::collection::vec(section, 1..4),
            prop::collection::vec(prop::bool::weighted(0.3), 7),
        )
            .prop_map(|(minutes, sections, week)| {
                let previous: Vec<Option<Vec<u32>>> = sections
                    .iter()
                    .flat_map(|(_, _, items)| items.iter())
                    .map(|(_, parts, _)| {
                        let days = parts.iter().map(|p| p.1.unwrap_or(u32::MAX));
                        parts.iter().any(|p| p.1.is_some()).then(|| days.collect())
                    })
                    .collect();
                let sections: Vec<TestSection> = sections
                    .into_iter()
                    .map(|(first, extra, items)| {
                        let items = items
                            .into_iter()
                            .map(|(kind, parts, avoid)| {
                                let parts = parts.iter().map(|p| (5 * p.0).min(minutes)).collect();
                                (KINDS[kind as usize], parts, avoid)
                            })
                            .collect();
                        (first, extra, items)
                    })
                    .collect();
                let mut problem = test_problem(minutes, &sections, &week, true);
                for (task, days) in problem.tasks.iter_mut().zip(previous) {
                    task.previous = days;
                }
                problem
            })
    }

    /// Every state the optimum goes through (found without prices), and the state before any
    /// step: neither the prices of [`Bounds::price`] nor any others (`random`, per slot and
    /// measure, in [`Prices::SCALE`]ths of their dearest) say more of its required minutes go
    /// outside their windows than do on the way from it to the optimum.
    fn prices_hold_on_the_optimum(problem: &Problem, random: &[u16]) -> Result<(), TestCaseError> {
        let sections = sections(problem).expect("a problem the walk covers");
        let mut bounds = Bounds::new(problem, &sections);
        // The greedy plan at hand, as the solver has. Without one the whole walk follows
        // every state: with `PROPTEST_RNG_SEED=6` and 1,000 cases one short-day problem ran
        // it past its 60 s, and the shrinking that followed ran it again for many minutes.
        bounds.improve(&greedy::schedule(problem));
        let found = walk_states(
            &bounds,
            Mode::Best,
            BEAM,
            60.0,
            &Stop::never(),
            Some(&Stop::never()),
        );
        // Some problems have too few days for their parts.
        prop_assume!(!matches!(found, Err(Ended::NoPlan)));
        let Found { days, visited, .. } = found.expect("the whole walk, in time");
        let (outside, late) = (visited[0].2.outside, visited[0].2.late);
        let root = vec![0u16; sections.len() * 3 + 1];
        let check = |bounds: &Bounds<'_>| -> Result<(), TestCaseError> {
            let all = bounds.required(&root);
            let loss = bounds.priced_loss_from(0, &root, all);
            prop_assert!(
                loss <= u64::from(outside),
                "before any step: {loss} > {outside}"
            );
            // What an unproven plan's gap is measured against.
            let least = bounds.least();
            prop_assert!(
                least.outside <= u64::from(outside),
                "the least outside, {} > {outside}",
                least.outside
            );
            prop_assert!(
                least.late <= late,
                "the least late minute-days, {} > {late}",
                least.late
            );
            for (d, key, cost) in &visited {
                // The runs of overlapping windows lose nothing of the spans' bound.
                let (windows, hist) = bounds.histograms(key);
                let (sizes, measures, room) = (&bounds.sizes, &bounds.measures, &bounds.room);
                let open: Vec<(u32, u32, usize)> = windows
                    .iter()
                    .filter(|w| w.0 > *d)
                    .map(|&(last, first, at)| (last, first.max(d + 1), at))
                    .collect();
                let every = deficits(&open, &hist, sizes, measures, room).1;
                let runs = packing(d + 1, &windows, &hist, sizes, measures, room);
                prop_assert_eq!(runs, every, "slot {}: packing by runs", d);
                // The late minute-days by how many parts of each size the slots hold, once
                // every window has ended.
                let by_sizes = bounds.late_by_sizes(d + 1, &windows, &hist);
                prop_assert!(
                    cost.late + by_sizes <= late,
                    "slot {d}: {} + {by_sizes} late minute-days > {late}",
                    cost.late
                );
                // And by the order of the chains.
                let in_order = bounds.late_in_order(d + 1, &windows, &hist, key);
                prop_assert!(
                    cost.late + in_order <= late,
                    "slot {d}: {} + {in_order} late minute-days in order > {late}",
                    cost.late
                );
                let loss = bounds.priced_loss(*d, key, bounds.required(key));
                prop_assert!(
                    u64::from(cost.outside) + loss <= u64::from(outside),
                    "slot {d}: {} + {loss} > {outside}",
                    cost.outside
                );
                // The exact bound of the walk for priority 1, where it applies.
                let owing = bounds.owing(*d, key).0;
                if let Some(lost) = bounds.lost_ahead(*d, key, owing.past, &owing.ahead) {
                    prop_assert!(
                        u64::from(cost.outside) + lost <= u64::from(outside),
                        "slot {d}: {} + {lost} outside by the walk for priority 1 > {outside}",
                        cost.outside
                    );
                }
            }
            Ok(())
        };
        // Path order: the walk for priority 1 applies to every problem here with required work.
        let required = problem.tasks.iter().any(|t| t.kind == Kind::Required);
        prop_assert_eq!(
            bounds.ahead.is_some(),
            required && !problem.chains.is_empty()
        );
        bounds.improve(&days);
        bounds.price(&visited);
        check(&bounds)?;
        let slots = problem.capacity.len();
        let pick = |t: usize, q: usize| f64::from(random[(t * 7 + q * 13) % random.len()]);
        let scale = Prices::SCALE as f64;
        let minute: Vec<f64> = (0..slots).map(|t| pick(t, 0) / 1024.0 * scale).collect();
        let weight: Vec<Vec<f64>> = bounds
            .measures
            .iter()
            .enumerate()
            .map(|(q, m)| {
                let dearest = m.per_unit(&bounds.sizes) * scale;
                (0..slots)
                    .map(|t| pick(t, q + 1) / 1024.0 * dearest)
                    .collect()
            })
            .collect();
        bounds.prices = vec![Prices::at(&bounds, &minute, &weight)];
        check(&bounds)
    }

    /// The narrow walks in turn ([`narrow_widening`]) end at the plan at hand, a plan that keeps
    /// the rules and is no worse than the narrower walk's alone (here one state a slot, which ends
    /// worse than the wider walk). Three sections of 20-minute days with more required work than
    /// their windows hold, so that the walks go on past the last window.
    #[test]
    fn the_narrow_walks_in_turn_end_at_the_plan_at_hand() {
        let items = |minutes: &[u32]| -> Vec<_> {
            minutes
                .iter()
                .map(|&m| (Kind::Required, vec![m], None))
                .collect()
        };
        let sections = [
            (0, 0, items(&[15, 10, 5, 20, 15, 10, 10])),
            (0, 1, items(&[20, 5, 15, 15, 10, 20, 5, 10])),
            (1, 0, items(&[10, 10, 15, 20, 5, 15, 10])),
        ];
        let problem = test_problem(20, &sections, &[true; 7], true);
        let sections = super::sections(&problem).expect("covered");
        let fresh = || {
            let mut bounds = Bounds::new(&problem, &sections);
            bounds.improve(&greedy::schedule(&problem));
            bounds.price(&[]);
            bounds
        };
        let never = Stop::never();
        let mut alone = fresh();
        let narrower = narrow(&mut alone, 1, 60.0, &never, None)
            .expect("in time")
            .expect("a plan")
            .0;
        let mut both = fresh();
        let days = narrow_widening(&mut both, [1, BEAM], 60.0, &never, None)
            .expect("in time")
            .expect("a plan");
        assert!(crate::solver::is_feasible(&problem, &days));
        let levels = Levels::of(&problem, &days);
        assert!(
            levels.late_minute_days > 0,
            "late work past the last window"
        );
        assert_ne!(
            levels.compare(&Levels::of(&problem, &narrower)),
            std::cmp::Ordering::Less
        );
        let mut at_hand = Bounds::new(&problem, &sections);
        at_hand.improve(&days);
        assert_eq!(at_hand.known, both.known);
    }

    /// Path order costs what the bounds by minutes and by sizes cannot see, and the prices
    /// do ([`order_costs_fifteen`]).
    #[test]
    fn the_prices_see_what_the_order_costs() {
        let problem = crate::solver::order_costs_fifteen();
        let sections = sections(&problem).expect("covered");
        let mut bounds = Bounds::new(&problem, &sections);
        let root = vec![0u16; 4];
        let (windows, hist) = bounds.histograms(&root);
        let sizes = &bounds.sizes;
        let packed = packing(0, &windows, &hist, sizes, &bounds.measures, &bounds.room);
        assert_eq!(packed, 0, "the bound without the order sees nothing lost");
        bounds.price(&[]);
        assert_eq!(bounds.priced_loss_from(0, &root, 70), 15);
        let days = walked(&problem).optimum.expect("the walk's optimum");
        assert_eq!(Levels::of(&problem, &days).required_in_window, 55);
        let mut free = problem.clone();
        free.chains.clear();
        let any = crate::solver::solve(&free, &Options::default()).expect("solved");
        assert!(any.optimal);
        assert_eq!(Levels::of(&free, &any.days).required_in_window, 70);
    }

    /// One section, days 0–6 of 30 minutes, two optional items, of three parts of 10 minutes
    /// and of two of 20, each with its first part placed. At the end of slot 4 both fit: 40
    /// minutes in two slots, two days for the first. At the end of slot 5 neither: the one
    /// slot left has room for 30 of their 40 minutes, and the first alone, 20 minutes, would
    /// need two days. With its second part placed too, it fits that slot alone.
    #[test]
    fn started_optional_items_must_fit_their_windows() {
        let items = [vec![10, 10, 10], vec![20, 20]]
            .map(|parts| (Kind::Optional, parts, None))
            .to_vec();
        let problem = test_problem(30, &[(0, 0, items)], &[true; 7], true);
        let sections = sections(&problem).expect("covered");
        let bounds = Bounds::new(&problem, &sections);
        // The counts of the section's three chains, the day's minutes, then each item
        // started (chain, place in it, parts placed).
        let key = |opens: &[(u16, u16)]| {
            let mut key = vec![0, opens.len() as u16, 0, 0];
            for &(index, placed) in opens {
                let open = Open {
                    at: 1,
                    index,
                    placed,
                    today: false,
                };
                open.encode(&mut key);
            }
            key
        };
        let fits = |d: u32, key: &[u16]| bounds.started_fit(d, key);
        let both = key(&[(0, 1), (1, 1)]);
        assert!(fits(4, &both));
        assert!(!fits(5, &both), "40 minutes in one slot of 30");
        let first = key(&[(0, 1)]);
        assert!(fits(4, &first));
        assert!(!fits(5, &first), "two parts in one day");
        assert!(fits(5, &key(&[(0, 2)])));
        assert!(!fits(6, &key(&[(0, 2)])), "after its window");
    }

    /// After the last window, a part of 20 or 25 minutes takes a 30-minute day of its own,
    /// beside no part of 15. Items of 25, 20 and 15 minutes due by day 6, all placed from day 7
    /// on, are late by at least 25 × 1 + 20 × 2 + 15 × 3 = 110 minute-days (largest first). By
    /// counts by size the days 7 and 8 hold all 60 minutes (day 7: 25 + 15, cut to 30): 90.
    /// A big-and-small measure weighs the 25 and the 20 minutes 30 each and the 15 minutes 15,
    /// so day 7 holds the 15 and 15/30 of the 25 (27 minutes), days 7 and 8 the 15, the 25 and
    /// half the 20 (50): 27 × 7 + 23 × 8 + 10 × 9 − 60 × 6 = 103.
    #[test]
    fn the_late_work_by_sizes_sees_parts_that_take_a_day_alone() {
        let items = [25, 20, 15]
            .map(|m| (Kind::Required, vec![m], None))
            .to_vec();
        let problem = test_problem(30, &[(0, 0, items)], &[true; 7], true);
        let sections = sections(&problem).expect("covered");
        let bounds = Bounds::new(&problem, &sections);
        let (windows, hist) = bounds.histograms(&[0; 4]);
        assert_eq!(bounds.late_by_sizes(7, &windows, &hist), 103);
    }

    /// After the last window, one section's items of 20 and 25 minutes and another's of 25,
    /// due by day 6 and all placed from day 7 on, each take a 30-minute day of their own. The
    /// 20 must start first in its section, so the best is the other 25, the 20, then the 25 on
    /// days 7, 8 and 9: 25 × 7 + 20 × 8 + 25 × 9 − 70 × 6 = 140 late minute-days. By sizes
    /// alone the two 25s go first: 135. In the chains' order, each part weighing a day, the
    /// section's two items go together at 45 minutes per 2 days, after the other 25: 140.
    #[test]
    fn the_late_work_in_order_sees_what_the_chains_force() {
        let (by_sizes, in_order, _) =
            late_before_any_step(30, &[(0, &[&[20], &[25]]), (0, &[&[25]])], 7);
        assert_eq!((by_sizes, in_order), (135, 140));
    }

    /// The late minute-days a walk still owes from slot `next` on before any step, by
    /// [`Bounds::late_by_sizes`], [`Bounds::late_in_order`] and by minutes ([`Owing::late`]),
    /// on a path of sections (first week of a one-week window, items by their parts) of
    /// required items, studied `minutes` a day.
    fn late_before_any_step(minutes: u32, path: &[(u32, &[&[u32]])], next: u32) -> (u64, u64, u64) {
        let path: Vec<TestSection> = path
            .iter()
            .map(|&(first, items)| {
                let items = items.iter().map(|p| (Kind::Required, p.to_vec(), None));
                (first, 0, items.collect())
            })
            .collect();
        let problem = test_problem(minutes, &path, &[true; 7], true);
        let sections = sections(&problem).expect("covered");
        let bounds = Bounds::new(&problem, &sections);
        let root = vec![0; sections.len() * 3 + 1];
        let (windows, hist) = bounds.histograms(&root);
        (
            bounds.late_by_sizes(next, &windows, &hist),
            bounds.late_in_order(next, &windows, &hist, &root),
            bounds.owing(next - 1, &root).0.late,
        )
    }

    /// After the last window, one section's items of 10, 20 and 15 + 15 minutes and another's
    /// of 20, due by day 6, on days of 21 minutes from day 7 on: no two of the parts fit one
    /// day, so each takes a day of its own. The best is the other 20, then the 10, the 20 and
    /// the two 15s, on days 7 to 11: 20 × 7 + 10 × 8 + 20 × 9 + 15 × 10 + 15 × 11 − 80 × 6 =
    /// 235 late minute-days. The big-and-small measures weigh the 10 half a day (two of them
    /// would fit one), and so did the chains' order before it counted parts a day; by sizes
    /// alone the late work is less too.
    #[test]
    fn the_late_work_in_order_counts_the_parts_a_day_holds() {
        let path: [(u32, &[&[u32]]); 2] = [(0, &[&[10], &[20], &[15, 15]]), (0, &[&[20]])];
        let (by_sizes, in_order, _) = late_before_any_step(21, &path, 7);
        assert_eq!(in_order, 235);
        assert!(by_sizes < 235);
    }

    /// While a window is open: one section's items of 15, 20 and 15 minutes, due by day 6, and
    /// another's two of 20, due by day 13, on days of 20 minutes from day 12 on, one part a day.
    /// By the chains' order the two 20s go first (days 12 and 13), then the others (14, 15
    /// and 16): 1,250 minute-days less 820 owed by the windows' ends, 430 (the optimum is 450;
    /// a part inside its window counts less than 0 here). By minutes alone, the work due
    /// first taking the room first, 420.
    #[test]
    fn the_late_work_in_order_holds_while_a_window_is_open() {
        let path: [(u32, &[&[u32]]); 2] = [(0, &[&[15], &[20], &[15]]), (1, &[&[20], &[20]])];
        let (_, in_order, by_minutes) = late_before_any_step(20, &path, 12);
        assert_eq!((in_order, by_minutes), (430, 420));
    }

    /// Two sections of one 20-minute item each, due by days 6 and 13. After day 13, a state
    /// with the first done and one with the second done have the same work left but for its
    /// section; the first owes 20 × 13 minute-days whatever happens, the second 20 × 6. With
    /// 300 and 200 late minute-days so far, the first ends with 300 + 20 × (14 − 13) = 320 at
    /// best, the second with 200 + 20 × (14 − 6) = 360: the second is left out, though it has
    /// fewer so far.
    #[test]
    fn alike_work_left_keeps_the_state_that_ends_cheaper() {
        let item = || vec![(Kind::Required, vec![20], None)];
        let problem = test_problem(30, &[(0, 0, item()), (1, 0, item())], &[true; 7], true);
        assert_eq!(
            merged_at_14(&problem, 300, 200),
            [[1, 0, 0, 0, 0, 0, 0].into()]
        );
    }

    /// A replan's previous slots still to come make two items unalike only in the sessions
    /// they may keep, and those rank below the late minute-days. The two sections of
    /// [`alike_work_left_keeps_the_state_that_ends_cheaper`] had their items on slots 16 and
    /// 18, and a third section's item, due by day 13 and not started in either state, on
    /// slot 20. The state that started the first section's item owes 20 × 13 late
    /// minute-days whatever happens (besides the third's), the other 20 × 6.
    #[test]
    fn alike_work_left_with_other_previous_slots_keeps_the_state_that_ends_cheaper() {
        let item = || vec![(Kind::Required, vec![20], None)];
        let sections = [(0, 0, item()), (1, 0, item()), (1, 0, item())];
        let mut problem = test_problem(30, &sections, &[true; 7], true);
        for (task, slot) in problem.tasks.iter_mut().zip([16, 18, 20]) {
            task.previous = Some(vec![slot]);
        }
        let first: Box<[u16]> = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0].into();
        let cost = |late, moved| Cost {
            moved,
            ..merged_cost(late)
        };
        let merged = |a, b| merged_at_14_with(&problem, a, b);
        // 300 + 20 × (14 − 13) = 320 at best against 200 + 20 × (14 − 6) = 360, whatever
        // sessions the second keeps.
        assert_eq!(
            merged(cost(300, 3), cost(200, 2)),
            std::slice::from_ref(&first)
        );
        // Alike at the late minute-days (300 − 260 = 160 − 120), with two sessions moved
        // each: either may keep the one its started section has left, so both stay. (Both
        // may keep the third section's: that one is alike.)
        assert_eq!(merged(cost(300, 2), cost(160, 2)).len(), 2);
        // With one more moved, the second keeps at best as many as the first has now.
        assert_eq!(merged(cost(300, 2), cost(160, 3)), [first]);
    }

    /// [`Bounds::merge_alike`] after slot 14 on two states of `problem` (two sections of one
    /// required item each, 20 required minutes outside their windows): the one that has
    /// started the first section's item, at `first` late minute-days so far, and the one that
    /// has started the second's, at `second`. The states it keeps.
    fn merged_at_14(problem: &Problem, first: u64, second: u64) -> Vec<Box<[u16]>> {
        merged_at_14_with(problem, merged_cost(first), merged_cost(second))
    }

    /// What [`merged_at_14`]'s states cost so far, at `late` minute-days.
    fn merged_cost(late: u64) -> Cost {
        Cost {
            outside: 20,
            late,
            optional: 0,
            reference: 0,
            moved: 0,
            earliness: 300,
            within: 300,
        }
    }

    /// [`merged_at_14`], at any costs, with any sections after the two: none of theirs
    /// started.
    fn merged_at_14_with(problem: &Problem, first: Cost, second: Cost) -> Vec<Box<[u16]>> {
        let sections = sections(problem).expect("covered");
        let bounds = Bounds::new(problem, &sections);
        let key = |section: usize| {
            let mut key = vec![0; sections.len() * 3 + 1];
            key[section * 3] = 1;
            key.into_boxed_slice()
        };
        let mut states = HashMap::default();
        states.insert(key(0), (first, 0));
        states.insert(key(1), (second, 1));
        bounds.merge_alike(14, &mut states);
        let mut kept: Vec<Box<[u16]>> = states.into_keys().collect();
        kept.sort_unstable();
        kept
    }

    /// Two sections with a required item of two 10-minute parts each, the first due by slot 6,
    /// the second by slot 13, each item's first part placed by slot 3. The state that has
    /// placed the first item's last part as well does as well as the one that has placed the
    /// second's, at no more cost: the second's part left may go wherever the other's would,
    /// and is late no sooner. Not at more cost, nor the other way round, nor with parts left
    /// of other lengths, nor where the part left keeps its section's optional item from
    /// starting.
    #[test]
    fn a_state_that_placed_the_part_due_first_does_as_well() {
        let cost = |earliness| Cost {
            outside: 0,
            late: 0,
            optional: 0,
            reference: 0,
            moved: 0,
            earliness,
            within: earliness,
        };
        let required = |parts: &[u32]| (Kind::Required, parts.to_vec(), None);
        let kept = |second: &[(Kind, Vec<u32>, Option<u32>)], first_placed, second_placed| {
            let first = vec![required(&[10, 10])];
            let sections = [(0, 0, first), (0, 1, second.to_vec())];
            let problem = test_problem(30, &sections, &[true; 7], true);
            swapped_at_3(&problem, cost(first_placed), cost(second_placed))
        };
        let second = [required(&[10, 10])];
        assert_eq!(kept(&second, 40, 40), ["first placed"]);
        assert_eq!(kept(&second, 40, 45), ["first placed"]);
        assert_eq!(kept(&second, 45, 40), ["first placed", "second placed"]);
        assert_eq!(
            kept(&[required(&[10, 15])], 40, 40),
            ["first placed", "second placed"]
        );
        let with_optional = [required(&[10, 10]), (Kind::Optional, vec![10], None)];
        assert_eq!(
            kept(&with_optional, 40, 40),
            ["first placed", "second placed"]
        );
    }

    /// The same in a replan, and with days to avoid: what is past of the second item (a
    /// previous slot or a day to avoid before slot 3's day) leaves the parts alike; what is
    /// still to come (its last part's previous slot 5, where it may keep its session, or day 5
    /// to avoid) does not.
    #[test]
    fn only_what_is_still_to_come_tells_the_parts_left_apart() {
        let cost = Cost {
            outside: 0,
            late: 0,
            optional: 0,
            reference: 0,
            moved: 0,
            earliness: 40,
            within: 40,
        };
        let kept = |previous: Option<Vec<u32>>, avoid: Option<u32>| {
            let first = vec![(Kind::Required, vec![10, 10], None)];
            let second = vec![(Kind::Required, vec![10, 10], avoid)];
            let sections = [(0, 0, first), (0, 1, second)];
            let mut problem = test_problem(30, &sections, &[true; 7], true);
            problem.tasks[1].previous = previous;
            swapped_at_3(&problem, cost, cost)
        };
        assert_eq!(kept(Some(vec![1, 2]), None), ["first placed"]);
        assert_eq!(kept(None, Some(2)), ["first placed"]);
        let both = ["first placed", "second placed"];
        assert_eq!(kept(Some(vec![1, 5]), None), both);
        assert_eq!(kept(None, Some(5)), both);
    }

    /// [`Bounds::swap_dominate`] after slot 3 on two states of `problem` (two sections, each
    /// with its first required item started, one part placed): the one that has placed the
    /// first section's item in full, at `first` so far, and the one that has placed the
    /// second's, at `second`. Which it keeps.
    fn swapped_at_3(problem: &Problem, first: Cost, second: Cost) -> Vec<&'static str> {
        let sections = sections(problem).expect("covered");
        let bounds = Bounds::new(problem, &sections);
        let key = |open: Open| {
            let mut key = vec![0; sections.len() * 3 + 1];
            key[0] = 1;
            key[3] = 1;
            open.encode(&mut key);
            key.into_boxed_slice()
        };
        let left = |at| Open {
            at,
            index: 0,
            placed: 1,
            today: false,
        };
        let (first_placed, second_placed) = (key(left(3)), key(left(0)));
        let mut states = HashMap::default();
        states.insert(first_placed.clone(), (first, 0));
        states.insert(second_placed.clone(), (second, 1));
        bounds.swap_dominate(3, &mut states, &|| false);
        let mut kept = Vec::new();
        if states.contains_key(&first_placed) {
            kept.push("first placed");
        }
        if states.contains_key(&second_placed) {
            kept.push("second placed");
        }
        kept
    }

    /// With two slots a day, the slot after `d` may fall on `d`'s own day: an item that must
    /// avoid that day has walks on that an item that need not does not have, so states that
    /// differ in which of the two is left are not alike. A day to avoid already past is
    /// nothing: there they are.
    #[test]
    fn an_item_that_avoids_the_slots_own_day_is_not_alike() {
        let kept = |avoid: u32| {
            let items = |avoid| vec![(Kind::Required, vec![20], avoid)];
            let mut problem = test_problem(
                30,
                &[(0, 0, items(Some(avoid))), (0, 0, items(None))],
                &[true; 7],
                true,
            );
            // Slots 2k and 2k + 1 are day k: slot 14 and slot 15 are day 7.
            problem.slots = Some(crate::solver::Slots {
                day: (0..70).map(|s| s / 2).collect(),
                day_minutes: vec![30; 35],
                break_minutes: 0,
            });
            // The state with the first section's item started (the second's left) costs
            // more: merged, it would go.
            merged_at_14(&problem, 300, 200).len()
        };
        assert_eq!(kept(7), 2);
        assert_eq!(kept(6), 1);
    }

    /// The bounds [`Bounds::bound_all`] finds with a second thread are each state's own, in
    /// the states' order: the same as one by one, where some states of the slot cannot beat
    /// the plan at hand (the greedy one) and the others have bounds of their own. (Without the
    /// measures by size, which are [`Sampling`]'s and so depend on which thread reaches a state
    /// first, a state's bound is its own whatever the order.)
    #[test]
    fn the_bounds_on_two_threads_are_each_states_own() {
        let items = |minutes: &[u32]| -> Vec<(Kind, Vec<u32>, Option<u32>)> {
            minutes
                .iter()
                .enumerate()
                .map(|(i, &m)| (KINDS[i % 3], vec![m], None))
                .collect()
        };
        let sections: Vec<TestSection> = vec![
            (0, 1, items(&[20, 15, 10, 25, 5, 20])),
            (0, 1, items(&[10, 10, 25, 15, 20, 5])),
            (1, 0, items(&[15, 20, 5, 10, 25, 10])),
        ];
        let problem = test_problem(35, &sections, &[true; 7], true);
        let walks = super::sections(&problem).expect("covered");
        let mut bounds = Bounds::new(&problem, &walks);
        bounds.measures.clear();
        bounds.big_and_small.clear();
        bounds.improve(&greedy::schedule(&problem));
        let closing: Vec<usize> = Vec::new();
        let mut scratch = Scratch::default();
        let width = walks.len() * 3;
        let mut layer: Slot = HashMap::default();
        layer.insert(vec![0; width + 1].into_boxed_slice(), (bounds.first, 0));
        // Every state of slots 0 to 3, as the steps leave them.
        for d in 0..4 {
            let mut next: Slot = HashMap::default();
            for (key, (cost, _)) in &layer {
                let step = |k: &[u16], c: Cost, _: Vec<Part>| {
                    let entry = next.entry(k.into()).or_insert((c, 0));
                    entry.0 = entry.0.min(c);
                };
                step_from(
                    &problem,
                    &walks,
                    d,
                    &closing,
                    key,
                    *cost,
                    Mode::Best,
                    false,
                    &mut scratch,
                    step,
                );
            }
            layer = next;
        }
        let d = 3;
        let mut states: Vec<Judged<'_>> = layer.iter_mut().collect();
        let (shared, over) = bounds.bound_all(d, &states, true, &mut Owings::default(), &|| false);
        assert!(!over);
        let alone: Vec<Option<Cost>> = states
            .iter_mut()
            .map(|(key, (cost, _))| bounds.may_beat(d, key, *cost, &mut Owings::default()))
            .collect();
        assert_eq!(shared, alone);
        let kept: std::collections::BTreeSet<Cost> = alone.iter().flatten().copied().collect();
        assert!(alone.len() >= 4 * SHARED, "{} states", alone.len());
        assert!(alone.contains(&None), "no state leads nowhere");
        assert!(kept.len() >= 2, "the bounds kept are all the same");
    }

    proptest! {
        /// [`tardiness`] counts what the late units cost one by one: each unit of work goes to
        /// the first slot with room left from `from` on, in the order of the spans, and a unit
        /// past its window's last slot is late by its slot's day less that slot's.
        #[test]
        fn tardiness_counts_each_late_unit(
            rooms in prop::collection::vec((0u64..6, any::<bool>()), 1..30),
            mut work in prop::collection::vec((0u32..32, 0u64..12), 0..8),
            from in 0u32..32,
        ) {
            // Several slots a day where the flag says so, so that a slot's day is not its
            // index.
            let mut problem = test_problem(60, &[], &[true; 7], true);
            let mut days: Vec<u32> = Vec::with_capacity(rooms.len());
            for &(_, same_day) in &rooms {
                let day = match days.last() {
                    Some(&d) if same_day => d,
                    Some(&d) => d + 1,
                    None => 0,
                };
                days.push(day);
            }
            let day_count = days.last().map_or(0, |&d| d as usize + 1);
            problem.slots = Some(crate::solver::Slots {
                day: days,
                day_minutes: vec![60; day_count],
                break_minutes: 0,
            });
            let rooms: Vec<u64> = rooms.iter().map(|&(room, _)| room).collect();
            let day = |s: usize| u64::from(problem.day(s as u32));
            let (mut holds, mut weighted) = (vec![0u64], vec![0u64]);
            for (s, &room) in rooms.iter().enumerate() {
                holds.push(holds[s] + room);
                weighted.push(weighted[s] + room * day(s));
            }
            work.sort_unstable();
            let spans: Vec<Span> = work.iter().map(|&(end, amount)| (end, 0, amount)).collect();
            let top = holds.len() - 1;
            let mut at = holds[(from as usize).min(top)];
            let mut expected = 0;
            for &(end, _, amount) in &spans {
                let units = at..at + amount;
                at += amount;
                if units.end > holds[top] {
                    continue; // past the last slot: not counted
                }
                for unit in units {
                    let slot = (0..top).find(|&s| holds[s] <= unit && unit < holds[s + 1]).unwrap();
                    if slot > end as usize {
                        expected += day(slot) - day(end as usize);
                    }
                }
            }
            prop_assert_eq!(tardiness(&problem, from, &spans, &holds, &weighted), expected);
        }
    }

    proptest! {
        // Shrinking tries the walk and the MIP on every smaller problem, and a failing one may
        // run into the walk's limits for seconds: on 2026-12-05 one failure shrank for 27
        // minutes of CI. Two minutes, then proptest reports the smallest found so far.
        #![proptest_config(ProptestConfig {
            cases: 64,
            max_shrink_time: 120_000,
            ..ProptestConfig::default()
        })]

        /// No prices bound past the optimum, on problems with late work or without.
        #[test]
        fn prices_never_bound_past_the_optimum(
            problem in problems(),
            random in prop::collection::vec(0u16..=1024, 64),
        ) {
            prices_hold_on_the_optimum(&problem, &random)?;
        }

        /// The same under `--any-order` ([`chains`]).
        #[test]
        fn prices_never_bound_past_the_optimum_in_any_order(
            mut problem in problems(),
            random in prop::collection::vec(0u16..=1024, 64),
        ) {
            problem.chains.clear();
            prices_hold_on_the_optimum(&problem, &random)?;
        }

        /// The same on short days, where parts pack badly.
        #[test]
        fn prices_never_bound_past_the_optimum_on_short_days(
            problem in short_days(),
            random in prop::collection::vec(0u16..=1024, 64),
        ) {
            prices_hold_on_the_optimum(&problem, &random)?;
        }

        /// The walk answers every problem it covers, and agrees with the MIP at every level:
        /// required work late or not, items left out or not, a replan's previous days and
        /// avoided days.
        #[test]
        fn the_walk_is_the_optimum(problem in problems()) {
            the_walk_agrees_with_the_mip(&problem)?;
        }

        /// The same where the bounds by how parts pack a slot matter.
        #[test]
        fn the_walk_is_the_optimum_on_short_days(problem in short_days()) {
            the_walk_agrees_with_the_mip(&problem)?;
        }

        /// The same under `--any-order`, where each class of items alike is a chain of its
        /// own ([`chains`]).
        #[test]
        fn the_walk_is_the_optimum_in_any_order(mut problem in problems()) {
            problem.chains.clear();
            the_walk_agrees_with_the_mip(&problem)?;
        }

        /// And on short days.
        #[test]
        fn the_walk_is_the_optimum_in_any_order_on_short_days(mut problem in short_days()) {
            problem.chains.clear();
            the_walk_agrees_with_the_mip(&problem)?;
        }
    }

    /// The cases, among the first 2,000 short-day problems [`TestRunner::deterministic`]
    /// draws, on which HiGHS 1.16.0 proved a level wrong: the walk's plan (feasible) is better
    /// at required minutes in window (case 234: 75 against 70), late minute-days (1129: 239
    /// against 421), optional or reference minutes, or kept sessions. HiGHS 1.15.0 (pinned in
    /// Cargo.toml) proves the walk's levels on all of them, and on the other 1,946 but the
    /// one of [`highs_proves_the_right_earliness_on_the_problem_it_once_got_wrong`] (wrong
    /// there before session 52). A HiGHS upgrade must pass this first.
    const HIGHS_1_16_WRONG: [usize; 9] = [234, 313, 771, 1058, 1129, 1482, 1571, 1624, 1991];

    fn the_mip_and_the_walk(problem: &Problem) -> (Solution, Vec<Option<Vec<u32>>>) {
        let start = greedy::schedule(problem);
        assert!(is_feasible(problem, &start), "{problem:?}");
        let options = Options {
            time_limit: 60.0,
            ..Options::default()
        };
        let mip = crate::solver::model::solve(problem, &start, &options, &Stop::never())
            .expect("the MIP");
        let days = walked(problem).optimum.expect("the walk's optimum");
        assert!(is_feasible(problem, &days), "{problem:?}");
        (mip, days)
    }

    /// Under `--any-order` the walks race the MIP only where they may win
    /// ([`may_win_the_race`]). Among short-day problems, one held back gets no walk but still
    /// its bound; one that races gets the walks' optimum, the same plan they give alone.
    #[test]
    fn the_walks_race_only_where_they_may_win() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut held_back, mut raced) = (0, 0);
        for _ in 0..200 {
            let mut problem = short_days()
                .new_tree(&mut runner)
                .expect("a problem")
                .current();
            problem.chains.clear();
            let start = greedy::schedule(&problem);
            if !is_feasible(&problem, &start) {
                continue;
            }
            let sections = sections(&problem).expect("a problem the walk covers");
            let mut bounds = Bounds::new(&problem, &sections);
            bounds.improve(&start);
            bounds.price(&[]);
            let may_win = may_win_the_race(&problem, &bounds.least());
            let walked = walk_unordered(&problem, &start, 60.0, &Stop::never());
            assert!(walked.least.is_some(), "no bound for {problem:?}");
            if !may_win {
                assert_eq!(walked.optimum, None, "{problem:?}");
                held_back += 1;
            } else if let Ok(alone) = walked_in_any_order(&problem) {
                assert_eq!(walked.optimum, Some(alone), "{problem:?}");
                raced += 1;
            }
        }
        // 28 and 168 when this was written.
        assert!(
            held_back >= 15 && raced >= 30,
            "{held_back} held back, {raced} raced"
        );
    }

    /// The property tests under `--any-order` pass over a walk that ran out of its limits
    /// (the solver then takes the MIP's plan). So that they do test the walks, these answer
    /// nearly every problem those tests draw: of the first 100 of each kind with a plan, at
    /// least 95 are answered (100 and 99 when this was written), at most two run out, and none
    /// ends without a plan.
    #[test]
    fn the_walks_answer_nearly_every_problem_in_any_order() {
        use proptest::strategy::ValueTree;
        for strategy in [problems().boxed(), short_days().boxed()] {
            let mut runner = proptest::test_runner::TestRunner::deterministic();
            let (mut answered, mut limited) = (0, 0);
            for _ in 0..100 {
                let mut problem = strategy.new_tree(&mut runner).expect("a problem").current();
                problem.chains.clear();
                if !is_feasible(&problem, &greedy::schedule(&problem)) {
                    continue;
                }
                match walked_in_any_order(&problem) {
                    Ok(_) => answered += 1,
                    Err(Ended::Limit) => limited += 1,
                    Err(Ended::NoPlan) => panic!("no plan for {problem:?}"),
                }
            }
            assert!(
                answered >= 95 && limited <= 2,
                "{answered} answered, {limited} ran out"
            );
        }
    }

    #[test]
    fn highs_proves_the_walks_levels_where_a_release_did_not() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = short_days();
        let last = HIGHS_1_16_WRONG[HIGHS_1_16_WRONG.len() - 1];
        let problems: Vec<Problem> = (0..=last)
            .map(|_| strategy.new_tree(&mut runner).expect("a problem").current())
            .collect();
        // The same problems as when the cases were found: the walk's levels of three of them
        // (required in window, late minute-days, optional, reference, earliness). When these
        // change, proptest or `short_days` draws other problems now, and the cases must be
        // found again (HiGHS 1.16.0 against 1.15.0 on the first 2,000).
        for (i, l) in [
            (234, [75, 1510, 0, 0, 4165]),
            (771, [261, 300, 20, 5, 5215]),
            (1129, [41, 239, 0, 0, 1232]),
        ] {
            let v = walked(&problems[i]).optimum.expect("the walk's optimum");
            let v = Levels::of(&problems[i], &v);
            let drawn = [
                v.required_in_window,
                v.late_minute_days,
                v.optional,
                v.reference,
                v.earliness,
            ];
            assert_eq!(drawn, l, "case {i}");
        }
        for i in HIGHS_1_16_WRONG {
            let (mip, days) = the_mip_and_the_walk(&problems[i]);
            assert!(mip.optimal, "case {i}");
            assert_eq!(
                Levels::of(&problems[i], &mip.days),
                Levels::of(&problems[i], &days),
                "case {i}: {:?}",
                problems[i]
            );
        }
    }

    /// HiGHS 1.15.0 proved a wrong optimum at the earliness level on this replan (short days,
    /// 30 items; the seed in proptest-regressions/solver/dp.txt that found it): 7,664
    /// minute-days, where the walk's plan, feasible and equal at every level above, has
    /// 7,644. Any one of presolve on, a cut pool of 500 or more instead of 200, or HiGHS
    /// 1.16.0 made it prove 7,644 here; none of them is a fix (1.16.0 is wrong more often,
    /// see [`HIGHS_1_16_WRONG`]). The planner gives the walk's plan for such problems; the
    /// MIP decides only where the walk does not finish.
    ///
    /// Since the optional level is searched two ways at once (`model::searched_level`, no LP
    /// relaxation and no reduced-cost fixing from it), the earliness level starts elsewhere
    /// and HiGHS proves the right 7,644: another path through its search, not a fix. This
    /// keeps the seed: when it fails, HiGHS proves a wrong value on it again.
    #[test]
    fn highs_proves_the_right_earliness_on_the_problem_it_once_got_wrong() {
        use Kind::{Optional as O, Reference as F, Required as R};
        const NO: u32 = u32::MAX;
        let items = |list: &[(Kind, &[u32], Option<u32>)]| -> Vec<(Kind, Vec<u32>, Option<u32>)> {
            list.iter().map(|&(k, p, a)| (k, p.to_vec(), a)).collect()
        };
        let sections: Vec<TestSection> = vec![
            (
                0,
                0,
                items(&[
                    (F, &[24, 24, 24], None),
                    (O, &[24], None),
                    (R, &[10, 24, 24], None),
                    (O, &[24, 24, 24], None),
                    (R, &[20], None),
                    (F, &[24], None),
                    (R, &[15], Some(16)),
                    (O, &[24], None),
                ]),
            ),
            (
                2,
                2,
                items(&[
                    (O, &[24], Some(21)),
                    (O, &[24], None),
                    (F, &[15], None),
                    (R, &[10], None),
                    (F, &[5], None),
                    (F, &[24], None),
                    (O, &[24], None),
                    (O, &[15, 5], None),
                    (O, &[24], Some(32)),
                    (O, &[24], None),
                    (O, &[24], None),
                ]),
            ),
            (
                0,
                2,
                items(&[
                    (R, &[24], None),
                    (F, &[15, 24, 5], None),
                    (O, &[24, 24, 24], None),
                    (R, &[24], None),
                    (O, &[15], Some(32)),
                    (O, &[24], None),
                    (R, &[24, 24], None),
                    (R, &[24], None),
                    (O, &[24], None),
                    (R, &[24], None),
                    (R, &[24], Some(19)),
                ]),
            ),
        ];
        let week = [false, true, false, true, false, false, true];
        let mut problem = test_problem(24, &sections, &week, true);
        let previous: [(usize, &[u32]); 10] = [
            (2, &[33, NO, NO]),
            (5, &[14]),
            (9, &[3]),
            (11, &[23]),
            (17, &[16]),
            (18, &[0]),
            (20, &[16, NO, NO]),
            (21, &[NO, 31, NO]),
            (25, &[28, NO]),
            (29, &[19]),
        ];
        for (t, days) in previous {
            problem.tasks[t].previous = Some(days.to_vec());
        }
        let (mip, days) = the_mip_and_the_walk(&problem);
        let (claimed, walked) = (Levels::of(&problem, &mip.days), Levels::of(&problem, &days));
        assert!(mip.optimal);
        assert_eq!(claimed, walked);
        assert_eq!(walked.earliness, 7644);
    }

    /// The whole walk as the solver runs it before the MIP starts (a second thread helping),
    /// with a minute to finish.
    fn whole_walk(bounds: &Bounds<'_>) -> Result<Days, Ended> {
        walk(
            bounds,
            Mode::Best,
            60.0,
            &Stop::never(),
            Some(&Stop::never()),
        )
    }

    fn the_walk_agrees_with_the_mip(problem: &Problem) -> Result<(), TestCaseError> {
        let start = greedy::schedule(problem);
        // Some problems have too few days for their parts: the caller's horizon is longer.
        prop_assume!(is_feasible(problem, &start));
        let options = Options {
            time_limit: 60.0,
            ..Options::default()
        };
        let mip = crate::solver::model::solve(problem, &start, &options, &Stop::never())
            .expect("the MIP");
        prop_assume!(mip.optimal);
        let days = if problem.chains.is_empty() {
            // Under `--any-order` the walks may run out of states or steps where the classes
            // multiply (one in about a thousand of the short-day problems): the solver then
            // takes the plan of the MIP it races them with. Ending with no plan where the MIP
            // has one is wrong.
            let walked = walked_in_any_order(problem);
            prop_assume!(walked != Err(Ended::Limit));
            walked.ok()
        } else {
            walked(problem).optimum
        };
        prop_assert!(days.is_some(), "the walk gave no answer");
        let days = days.unwrap_or_default();
        prop_assert!(is_feasible(problem, &days));
        // No worse than the MIP's plan at any level. The MIP's "proven" is HiGHS's word,
        // and HiGHS has broken it: on one problem of these (short days, 29 items; the
        // session 19 note on issue 11 has it) it proved 7,612 minute-days of earliness
        // where the walk's plan, which keeps every bound of the MIP's, has 7,600 and
        // every level above equal. So where the walk's plan is better, the walk is right.
        let (walked, mip_levels) = (Levels::of(problem, &days), Levels::of(problem, &mip.days));
        // Above earliness the two agree: a proven MIP plan worse there than the walk's is a
        // false proof (as a replan of items alike whose previous days crossed once was, see
        // `items_alike_keep_their_crossed_previous_days` in the MIP's tests).
        let above = |l: &Levels| {
            (
                l.required_in_window,
                l.late_minute_days,
                l.optional,
                l.reference,
                l.kept,
            )
        };
        prop_assert_eq!(above(&walked), above(&mip_levels));
        prop_assert!(
            walked.compare(&mip_levels) != std::cmp::Ordering::Less,
            "the walk's plan {:?} is worse than the MIP's {:?}",
            walked,
            mip_levels
        );
        // The whole walk alone, with the walk's optimum as the plan at hand: its bounds,
        // which leave out every state that cannot end at least as well, and the states it
        // leaves out for others that do as well, must keep a way to it. The walk's own plan
        // is the one that also fills each day's earlier slots first, which the MIP's need
        // not be: with the MIP's, a state left out wrongly on that last tie-break alone
        // would go unnoticed (one that paid a week less for a part placed, for one).
        let sections = sections(problem).expect("a problem the walk covers");
        let mut bounds = Bounds::new(problem, &sections);
        bounds.improve(&days);
        bounds.price(&[]);
        let best = whole_walk(&bounds).ok();
        prop_assert!(best.is_some(), "the whole walk gave no answer");
        let best = best.unwrap_or_default();
        prop_assert!(is_feasible(problem, &best));
        prop_assert_eq!(Levels::of(problem, &best), walked);
        // The whole walk once more, with the greedy plan at hand: the least cost its states
        // give after each slot ([`Bounds::floor`]), which measures plans where it cannot
        // finish, is never past the optimum at priorities 1 and 2, and is the optimum there
        // once the walk has finished. (With the optimum at hand that holds whatever the
        // bounds, as the plan at hand caps it.)
        let mut bounds = Bounds::new(problem, &sections);
        bounds.improve(&start);
        bounds.price(&[]);
        let finished = whole_walk(&bounds).is_ok();
        let floor = bounds.floor();
        prop_assert!(floor.is_some(), "the whole walk bounded no slot");
        let floor = floor.unwrap_or(bounds.first);
        let floor = (u64::from(floor.outside), floor.late);
        let optimum = (
            problem.required_minutes() - walked.required_in_window,
            walked.late_minute_days,
        );
        prop_assert!(
            floor <= optimum,
            "the floor {:?} is past the optimum {:?}",
            floor,
            optimum
        );
        prop_assert!(
            !finished || floor == optimum,
            "{:?} against {:?}",
            floor,
            optimum
        );
        Ok(())
    }

    /// A state with a part still to place is left out for one that has placed it only when
    /// the other costs no more than it plus the part's minutes × the next slot's day. Here
    /// the best plan puts the reference item's parts on days 7, 11 and 12 (earliness 375).
    /// At the end of day 11 the state with its last 5 minutes still to place costs 315, and
    /// the one with every part placed 400: 315 + 5 × 12 = 375 < 400, so the first must stay.
    /// A payment a week too large (5 × 19) would leave it out, and the whole walk, with that
    /// plan at hand, would find no plan (the property test meets such a case about once in
    /// 250).
    #[test]
    fn a_part_placed_pays_from_the_next_slot() {
        let task = |kind: Kind, parts: Vec<u32>, previous: Option<Vec<u32>>| Task {
            section: 0,
            kind,
            parts,
            window: Some((0, 20)),
            release: 0,
            after: Vec::new(),
            previous,
            avoid: Vec::new(),
        };
        let problem = Problem {
            capacity: (0..70)
                .map(|d| if [0, 4, 5].contains(&(d % 7)) { 23 } else { 0 })
                .collect(),
            tasks: vec![
                task(Kind::Required, vec![10], None),
                task(Kind::Required, vec![15], None),
                task(Kind::Optional, vec![15], Some(vec![13])),
                task(Kind::Reference, vec![10, 10, 5], None),
            ],
            section_after: vec![Vec::new()],
            chains: vec![vec![0, 1], vec![2], vec![3]],
            slots: None,
        };
        let days = walked(&problem).optimum.expect("the walk's optimum");
        assert_eq!(days[3], Some(vec![7, 11, 12]));
        assert_eq!(Levels::of(&problem, &days).earliness, 375);
        let sections = sections(&problem).expect("a problem the walk covers");
        let mut bounds = Bounds::new(&problem, &sections);
        bounds.improve(&days);
        let best = whole_walk(&bounds).expect("the whole walk's plan");
        assert_eq!(best, days);
    }

    /// A required item past its window is left for the state behind to pay from the next slot
    /// on, and not a day later. Windows end on day 1, days hold 21 minutes, and the second
    /// section's 10-minute item may not go on day 6. The best plan puts it on day 7 and the
    /// third section's last part on day 5: 249 late minute-days. At the end of day 6 the state
    /// with that item still to place has paid 189, and the one with every item placed (the
    /// item on day 5, the part on day 6) 250: 189 + 10 × 6 days late = 249 < 250, so the first
    /// must stay. A payment a day too large (10 × 7) would leave it out, and the walks would
    /// end at 250 (the property tests, whose days are mostly empty, miss this: there the day
    /// after the next slot is rarely one with room).
    #[test]
    fn a_late_item_pays_from_the_next_slot() {
        let task = |section: usize, parts: Vec<u32>, window: (u32, u32)| Task {
            section,
            kind: Kind::Required,
            parts,
            window: Some(window),
            release: 0,
            after: Vec::new(),
            previous: None,
            avoid: Vec::new(),
        };
        let mut tasks = vec![
            task(0, vec![21], (1, 1)),
            task(1, vec![5], (1, 1)),
            task(1, vec![10], (1, 1)),
            task(2, vec![5, 20], (0, 1)),
            task(2, vec![20, 10, 21], (0, 1)),
        ];
        tasks[2].avoid = vec![6];
        let problem = Problem {
            capacity: vec![21; 70],
            tasks,
            section_after: vec![Vec::new(); 3],
            chains: vec![vec![0], vec![1, 2], vec![3, 4]],
            slots: None,
        };
        let (mip, days) = the_mip_and_the_walk(&problem);
        assert!(mip.optimal);
        let levels = Levels::of(&problem, &days);
        assert_eq!(levels, Levels::of(&problem, &mip.days));
        assert_eq!(
            (levels.required_in_window, levels.late_minute_days),
            (26, 249)
        );
        assert_eq!((&days[2], &days[4]), (&Some(vec![7]), &Some(vec![3, 4, 5])));
        let sections = sections(&problem).expect("a problem the walk covers");
        let mut bounds = Bounds::new(&problem, &sections);
        bounds.improve(&days);
        let best = whole_walk(&bounds).expect("the whole walk's plan");
        assert_eq!(Levels::of(&problem, &best), levels);
    }

    /// [`race`] with nothing handed over and no time alone: `alongside` starts with the walk.
    fn race_from_the_start<T>(
        bounds: &Bounds<'_>,
        alongside: impl FnOnce(&Stop) -> T,
    ) -> Walked<T> {
        race(
            bounds,
            Handed::default(),
            60.0,
            0.0,
            &Stop::never(),
            |_, stop| alongside(stop),
        )
    }

    /// The race of the whole walk and the MIP, with no time alone, on short-day problems the
    /// walk covers. The walk raises the flag when it has the optimum (here what runs
    /// alongside waits for it), and its plan is the answer. With the real MIP alongside, the
    /// answer is the walk's optimum, or, where the MIP ended first, the MIP's plan, proven and
    /// equal to it at every level.
    #[test]
    fn the_whole_walk_races_the_mip() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (mut raced, mut drawn) = (0, 0);
        while raced < 4 && drawn < 200 {
            drawn += 1;
            let problem = short_days()
                .new_tree(&mut runner)
                .expect("a problem")
                .current();
            let Some(optimum) = walked(&problem).optimum else {
                continue;
            };
            raced += 1;
            let sections = sections(&problem).expect("a problem the walk covers");
            let bounds = Bounds::new(&problem, &sections);
            let waited = race_from_the_start(&bounds, |stop| {
                let began = std::time::Instant::now();
                while !stop.raised() && began.elapsed().as_secs() < 60 {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                stop.raised()
            });
            assert_eq!(
                waited.alongside,
                Some(true),
                "the walk did not raise the flag"
            );
            assert_eq!(waited.optimum.as_ref(), Some(&optimum));
            let start = greedy::schedule(&problem);
            let options = Options {
                time_limit: 60.0,
                ..Options::default()
            };
            let both = race_from_the_start(&bounds, |stop| {
                crate::solver::model::solve(&problem, &start, &options, stop).expect("the MIP")
            });
            let mip = both.alongside.expect("the MIP ran alongside");
            match both.optimum {
                Some(days) => assert_eq!(days, optimum),
                None => {
                    assert!(mip.optimal, "neither the walk nor the MIP finished");
                    assert_eq!(
                        Levels::of(&problem, &mip.days),
                        Levels::of(&problem, &optimum)
                    );
                }
            }
        }
        assert_eq!(raced, 4, "too few problems the walk covers in {drawn}");
    }

    /// A measure that raises nothing for [`IDLE`] states in a row is tried on every
    /// [`SAMPLED`]th state only, and on every one again once it raises a bound; the other
    /// measure keeps its own count.
    #[test]
    fn a_measure_that_raises_nothing_is_sampled() {
        let sampling = Sampling::default();
        for _ in 0..IDLE {
            let tried = sampling.wanted();
            assert_eq!(tried, [true; 3]);
            sampling.raised(tried, [false, true, true]);
        }
        let mut tried_lost = 0;
        for _ in 0..SAMPLED * 4 {
            let tried = sampling.wanted();
            assert!(
                tried[1] && tried[2],
                "the measures that raised are tried on every state"
            );
            tried_lost += u64::from(tried[0]);
            sampling.raised(tried, [false, true, true]);
        }
        assert_eq!(tried_lost, 4, "one state in {SAMPLED}");
        // A sampled state where it raises the bound puts it back on every state.
        let tried = loop {
            let tried = sampling.wanted();
            if tried[0] {
                break tried;
            }
        };
        sampling.raised(tried, [true; 3]);
        assert_eq!(sampling.wanted(), [true; 3]);
    }

    /// Required items that no plan fits in their window leave its room to optional work: the
    /// bound on optional minutes counts what goes outside as not taking room. Day 14 holds
    /// one of three 20-minute items due by day 20, the other two go late (days 21 and 28),
    /// and the optional 25 and 5 minutes still fit on days 7 and 14.
    #[test]
    fn work_forced_outside_leaves_its_room() {
        let task = |section: usize, kind: Kind, minutes: u32, window: (u32, u32)| Task {
            section,
            kind,
            parts: vec![minutes],
            window: Some(window),
            release: 0,
            after: Vec::new(),
            previous: None,
            avoid: Vec::new(),
        };
        let problem = Problem {
            capacity: (0..70).map(|d| if d % 7 == 0 { 25 } else { 0 }).collect(),
            tasks: vec![
                task(0, Kind::Required, 20, (14, 20)),
                task(0, Kind::Required, 20, (14, 20)),
                task(0, Kind::Required, 20, (14, 20)),
                task(1, Kind::Optional, 25, (0, 20)),
                task(1, Kind::Required, 5, (0, 20)),
                task(1, Kind::Optional, 5, (0, 20)),
            ],
            section_after: vec![Vec::new(); 2],
            chains: vec![vec![0, 1, 2], vec![4], vec![3, 5]],
            slots: None,
        };
        let days = walked(&problem).optimum.expect("the walk's optimum");
        let levels = Levels::of(&problem, &days);
        assert_eq!(
            (
                levels.required_in_window,
                levels.late_minute_days,
                levels.optional
            ),
            (25, 180, 30)
        );
    }

    /// A problem the walk covers, and the same problem changed in each way it does not.
    #[test]
    fn the_walk_covers_only_what_its_counts_tell() {
        let task = |section: usize, kind: Kind, minutes: u32| Task {
            section,
            kind,
            parts: vec![minutes],
            window: Some((0, 6)),
            release: 0,
            after: Vec::new(),
            previous: None,
            avoid: Vec::new(),
        };
        let covered = Problem {
            capacity: vec![60; 7],
            tasks: vec![
                task(0, Kind::Required, 30),
                task(0, Kind::Required, 40),
                task(0, Kind::Optional, 20),
            ],
            section_after: vec![Vec::new()],
            chains: vec![vec![0, 1]],
            slots: None,
        };
        // 30 on day 0 (40 more do not fit), then 40 and the optional 20 on day 1.
        assert_eq!(
            walked(&covered).optimum,
            Some(vec![Some(vec![0]), Some(vec![1]), Some(vec![1])])
        );
        // Under `--any-order` the 40 minutes go first, on day 0, and the 30 with the optional
        // 20 on day 1 (earliness 50 instead of 60): each item is a class of its own, and the
        // optional one waits for both.
        let mut any_order = covered.clone();
        any_order.chains.clear();
        assert_eq!(
            walked(&any_order).optimum,
            Some(vec![Some(vec![1]), Some(vec![0]), Some(vec![1])])
        );
        let mut changes: Vec<Problem> = Vec::new();
        let mut prerequisite = covered.clone();
        prerequisite.tasks[2].after = vec![0];
        changes.push(prerequisite);
        let mut windowless = covered.clone();
        windowless.tasks[2].window = None;
        changes.push(windowless);
        let mut following = covered.clone();
        following.section_after = vec![vec![1], Vec::new()];
        following.tasks[2].section = 1;
        changes.push(following);
        for problem in changes {
            assert_eq!(walked(&problem).optimum, None, "{problem:?}");
        }
        // The 40 minutes in two parts of 20, each on its own day: the second part goes on
        // day 1 with the optional 20, which waits for it (required before optional).
        let mut split = covered.clone();
        split.tasks[1].parts = vec![20, 20];
        assert_eq!(
            walked(&split).optimum,
            Some(vec![Some(vec![0]), Some(vec![0, 1]), Some(vec![1])])
        );
        // Room for the required items only: the optional one is left out.
        let mut tight = covered.clone();
        tight.capacity = vec![60, 45, 0, 0, 0, 0, 0];
        assert_eq!(
            walked(&tight).optimum,
            Some(vec![Some(vec![0]), Some(vec![1]), None])
        );
        // A replan keeps a session on its previous day when nothing above earliness changes:
        // the 40 minutes follow it (path order) the day after, with the optional 20.
        let mut replan = covered.clone();
        replan.tasks[0].previous = Some(vec![3]);
        assert_eq!(
            walked(&replan).optimum,
            Some(vec![Some(vec![3]), Some(vec![4]), Some(vec![4])])
        );
        // A window of two days with room for the 30 minutes only: the 40 go a day late, and
        // the optional item, which waits for them, is left out.
        let mut late = covered.clone();
        late.capacity = vec![30, 30, 60];
        for task in &mut late.tasks {
            task.window = Some((0, 1));
        }
        assert_eq!(
            walked(&late).optimum,
            Some(vec![Some(vec![0]), Some(vec![2]), None])
        );
        // Too little room: the 40 minutes fit no day at all.
        let mut short = covered.clone();
        short.capacity = vec![35; 7];
        assert_eq!(walked(&short).optimum, None);
    }
}
