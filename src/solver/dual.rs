//! An LP's bound recomputed from its row duals, so that no proof rests on HiGHS's tolerances.
//!
//! A level proven by its LP relaxation (its bound less than one step from the start), and the
//! columns fixed by reduced costs for the levels after it, used to take HiGHS's optimum and
//! reduced costs as they came. Those hold only within HiGHS's feasibility and optimality
//! tolerances, and HiGHS has returned wrong optima on our models before (see `Cargo.toml`).
//!
//! Weak duality needs no optimality at all: for any row multipliers `y`, every point `x` with
//! `row_lower ≤ A x ≤ row_upper` and `col_lower ≤ x ≤ col_upper` has
//! `c·x = y·(A x) + d·x` with `d = c − Aᵀ y`, so (maximising)
//! `c·x ≤ Σᵢ max(yᵢ row_lowerᵢ, yᵢ row_upperᵢ) + Σⱼ max(dⱼ col_lowerⱼ, dⱼ col_upperⱼ)`.
//! [`bound`] evaluates that sum itself, in compensated arithmetic with a margin for rounding,
//! from whatever `y` HiGHS returns: a `y` that is not optimal only gives a weaker bound, never a
//! wrong one. Every column of our models has finite bounds, so the sum is always finite. The
//! same `d` are the reduced costs: a column at its lower bound 0 with `dⱼ < 0` lowers the bound
//! by `|dⱼ|` for each unit it is raised, which is what fixing by reduced costs needs.

/// An LP as HiGHS holds it: columns with costs and bounds, rows with bounds, the matrix by
/// columns.
pub(super) struct Lp {
    /// Whether HiGHS maximises it.
    pub maximise: bool,
    pub offset: f64,
    pub cost: Vec<f64>,
    pub col_lower: Vec<f64>,
    pub col_upper: Vec<f64>,
    pub row_lower: Vec<f64>,
    pub row_upper: Vec<f64>,
    /// Column `j`'s entries are `start[j]..start[j + 1]` of `index` (rows) and `value`.
    pub start: Vec<usize>,
    pub index: Vec<usize>,
    pub value: Vec<f64>,
}

/// A bound on an LP, in its own sense (no point is above it when maximising, below it when
/// minimising), with the reduced costs `c − Aᵀ y` it was computed from.
#[derive(Debug)]
pub(super) struct Bound {
    pub value: f64,
    pub reduced: Vec<f64>,
}

/// The bound of `lp` from row multipliers `dual` (HiGHS's row duals), or none when `dual` or
/// the matrix does not fit `lp`, or some term is not finite. HiGHS's sign convention for row
/// duals is not assumed: both signs are evaluated and the tighter bound kept (the other is
/// valid too, only useless).
pub(super) fn bound(lp: &Lp, dual: &[f64]) -> Option<Bound> {
    let (cols, rows) = (lp.cost.len(), lp.row_lower.len());
    let matrix_fits = lp.start.len() == cols + 1
        && lp.start.windows(2).all(|w| w[0] <= w[1])
        && lp.start.last() <= Some(&lp.index.len())
        && lp.index.len() == lp.value.len()
        && lp.index.iter().all(|&i| i < rows);
    if !matrix_fits
        || dual.len() != rows
        || [lp.col_lower.len(), lp.col_upper.len()] != [cols, cols]
        || lp.row_upper.len() != rows
    {
        return None;
    }
    // Work in the maximising sense.
    let sign = if lp.maximise { 1.0 } else { -1.0 };
    let longest = lp
        .start
        .windows(2)
        .map(|w| w[1].saturating_sub(w[0]))
        .max()
        .unwrap_or(0);
    let mut best: Option<(f64, Vec<f64>)> = None;
    for flip in [1.0, -1.0] {
        // A multiplier that would take an infinite row bound counts as 0, which is as valid.
        let y: Vec<f64> = dual
            .iter()
            .enumerate()
            .map(|(i, &v)| {
                let v = v * flip;
                let side = if v > 0.0 {
                    lp.row_upper[i]
                } else {
                    lp.row_lower[i]
                };
                if v != 0.0 && side.is_finite() {
                    v
                } else {
                    0.0
                }
            })
            .collect();
        let mut terms = Vec::with_capacity(rows + cols + 1);
        for (i, &v) in y.iter().enumerate() {
            if v != 0.0 {
                terms.push(
                    v * if v > 0.0 {
                        lp.row_upper[i]
                    } else {
                        lp.row_lower[i]
                    },
                );
            }
        }
        let mut reduced = Vec::with_capacity(cols);
        // Each column's share of the rounding: its cost and products, times its largest bound.
        let mut rounding = 0.0;
        for j in 0..cols {
            let (mut d, mut size) = (sign * lp.cost[j], lp.cost[j].abs());
            for k in lp.start[j]..lp.start[j + 1] {
                let product = lp.value[k] * y[lp.index[k]];
                d -= product;
                size += product.abs();
            }
            let at = if d > 0.0 {
                lp.col_upper[j]
            } else {
                lp.col_lower[j]
            };
            if d != 0.0 {
                terms.push(d * at);
            }
            rounding += size * lp.col_lower[j].abs().max(lp.col_upper[j].abs());
            reduced.push(d);
        }
        terms.push(sign * lp.offset);
        let (sum, size) = compensated_sum(&terms);
        // Each dⱼ sums at most `longest` products, each rounded once: its error is below
        // longest · ε times its size (the usual bound for a dot product, with room to spare);
        // the compensated sum's own error is below ε of the total size.
        let value = sum + (longest + 2) as f64 * f64::EPSILON * (size + rounding) + 1e-12;
        if value.is_finite() && best.as_ref().is_none_or(|(b, _)| value < *b) {
            best = Some((value, reduced));
        }
    }
    let (value, reduced) = best?;
    Some(Bound {
        value: sign * value,
        reduced: reduced.into_iter().map(|d| sign * d).collect(),
    })
}

/// Neumaier's compensated sum of `terms`, and the sum of their sizes.
fn compensated_sum(terms: &[f64]) -> (f64, f64) {
    let (mut sum, mut carry, mut size) = (0.0f64, 0.0f64, 0.0f64);
    for &t in terms {
        let next = sum + t;
        carry += if sum.abs() >= t.abs() {
            (sum - next) + t
        } else {
            (t - next) + sum
        };
        sum = next;
        size += t.abs();
    }
    (sum + carry, size)
}

/// The LP of a solved HiGHS model (its model as passed, before presolve).
pub(super) fn lp_of(solved: &highs::SolvedModel) -> Option<Lp> {
    use highs_sys::HighsInt;
    let ptr = solved.as_ptr();
    // SAFETY: `ptr` is the live HiGHS object of `solved`, which outlives these calls.
    let (cols, rows, nonzeros) = unsafe {
        (
            highs_sys::Highs_getNumCol(ptr),
            highs_sys::Highs_getNumRow(ptr),
            highs_sys::Highs_getNumNz(ptr),
        )
    };
    let size = |n: HighsInt| usize::try_from(n).ok();
    let (n, m, nz) = (size(cols)?, size(rows)?, size(nonzeros)?);
    let mut lp = Lp {
        maximise: false,
        offset: 0.0,
        cost: vec![0.0; n],
        col_lower: vec![0.0; n],
        col_upper: vec![0.0; n],
        row_lower: vec![0.0; m],
        row_upper: vec![0.0; m],
        start: Vec::new(),
        index: Vec::new(),
        value: vec![0.0; nz.max(1)],
    };
    let mut start: Vec<HighsInt> = vec![0; n + 1];
    let mut index: Vec<HighsInt> = vec![0; nz.max(1)];
    let mut integrality: Vec<HighsInt> = vec![0; n.max(1)];
    let (mut got_cols, mut got_rows, mut got_nonzeros, mut sense) = (0, 0, 0, 0);
    // SAFETY: every array has the length HiGHS was just asked for (at least 1, so that none is
    // a dangling pointer), and HiGHS writes no more than the model's sizes.
    let status = unsafe {
        highs_sys::Highs_getLp(
            ptr,
            highs_sys::kHighsMatrixFormatColwise,
            &raw mut got_cols,
            &raw mut got_rows,
            &raw mut got_nonzeros,
            &raw mut sense,
            &raw mut lp.offset,
            lp.cost.as_mut_ptr(),
            lp.col_lower.as_mut_ptr(),
            lp.col_upper.as_mut_ptr(),
            lp.row_lower.as_mut_ptr(),
            lp.row_upper.as_mut_ptr(),
            start.as_mut_ptr(),
            index.as_mut_ptr(),
            lp.value.as_mut_ptr(),
            integrality.as_mut_ptr(),
        )
    };
    if status != highs_sys::kHighsStatusOk || (got_cols, got_rows) != (cols, rows) {
        return None;
    }
    // HiGHS leaves the end of the last column out.
    start[n] = nonzeros;
    lp.start = start.into_iter().map(size).collect::<Option<_>>()?;
    lp.index = index
        .into_iter()
        .take(nz)
        .map(size)
        .collect::<Option<_>>()?;
    lp.value.truncate(nz);
    lp.maximise = sense == highs_sys::kHighsObjSenseMaximize;
    Some(lp)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// max 3a + 2b with a + b ≤ 4, a + 3b ≤ 6, 0 ≤ a, b ≤ 3: the optimum is 11 (a = 3, b = 1),
    /// and y = (2, 0) is an optimal dual (d = (1, 0)).
    fn small() -> Lp {
        Lp {
            maximise: true,
            offset: 0.0,
            cost: vec![3.0, 2.0],
            col_lower: vec![0.0, 0.0],
            col_upper: vec![3.0, 3.0],
            row_lower: vec![f64::NEG_INFINITY, f64::NEG_INFINITY],
            row_upper: vec![4.0, 6.0],
            start: vec![0, 2, 4],
            index: vec![0, 1, 0, 1],
            value: vec![1.0, 1.0, 1.0, 3.0],
        }
    }

    #[test]
    fn an_optimal_dual_gives_the_optimum_and_its_reduced_costs() {
        let b = bound(&small(), &[2.0, 0.0]).unwrap();
        assert!((b.value - 11.0).abs() < 1e-6, "{b:?}");
        assert!((b.reduced[0] - 1.0).abs() < 1e-12 && b.reduced[1].abs() < 1e-12);
        // HiGHS's sign convention is not assumed.
        let b = bound(&small(), &[-2.0, 0.0]).unwrap();
        assert!((b.value - 11.0).abs() < 1e-6, "{b:?}");
    }

    #[test]
    fn minimising_bounds_from_below() {
        let mut lp = small();
        lp.maximise = false;
        lp.cost = vec![-3.0, -2.0];
        let b = bound(&lp, &[-2.0, 0.0]).unwrap();
        assert!((b.value + 11.0).abs() < 1e-6, "{b:?}");
        assert!((b.reduced[0] + 1.0).abs() < 1e-12);
    }

    #[test]
    fn duals_or_a_matrix_that_do_not_fit_give_no_bound() {
        assert!(bound(&small(), &[1.0]).is_none());
        let mut lp = small();
        lp.index[3] = 2;
        assert!(bound(&lp, &[2.0, 0.0]).is_none());
        let mut lp = small();
        lp.start = vec![0, 3, 2];
        assert!(bound(&lp, &[2.0, 0.0]).is_none());
    }

    proptest! {
        /// Whatever the multipliers, no point of the LP is above the bound: checked on every
        /// vertex of the box that the rows allow, and on random points.
        #[test]
        fn no_point_beats_the_bound(
            y in prop::collection::vec(-5.0f64..5.0, 2),
            points in prop::collection::vec((0.0f64..=3.0, 0.0f64..=3.0), 50),
        ) {
            let lp = small();
            let b = bound(&lp, &y).unwrap();
            let feasible = |a: f64, c: f64| a + c <= 4.0 && a + 3.0 * c <= 6.0;
            for (a, c) in points.into_iter().chain([(3.0, 1.0), (0.0, 2.0), (3.0, 0.0)]) {
                if feasible(a, c) {
                    prop_assert!(3.0 * a + 2.0 * c <= b.value + 1e-9, "{a} {c} {b:?}");
                }
            }
        }
    }
}
