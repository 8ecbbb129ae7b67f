//! Repair from candidates: the recognizer's per-position candidates in, the most probable
//! reading that the format's grammar and check digits accept out.
//!
//! The rules (after the `mrz` crate's): grammar chooses among the recognizer's own candidates
//! (digits where only digits may stand, letters where only letters may); inside a field covered
//! by a check digit, a character other than the grammar's best candidate is chosen only when the
//! check digit (and then the composite) confirms the whole field. When no assignment within
//! [`MAX_EDITS`] changes satisfies a check, the best reading is kept and the field is reported
//! as failing, with its confidence lowered by the result stage.

use super::charset::check_holds;
use super::date::{DateRole, MrzDate, Ymd};
use super::document::{Document, Line, Lines, MrzError};
use super::format::{CheckKind, CheckSpec, Format, Layout, Span, MAX_LINES, MAX_LINE_LEN};

/// How many candidates per position the engine considers.
pub const MAX_CANDIDATES: usize = 4;
/// How many characters of one field a repair may change.
pub const MAX_EDITS: usize = 2;
/// How many valid readings of one field the composite search combines.
const KEEP_PER_FIELD: usize = 3;
/// How many of the most probable single changes outside own-checked fields the composite
/// search pairs up.
const MAX_FREE_SINGLES: usize = 24;

/// One candidate character with the recognizer's probability for it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Candidate {
    pub ch: u8,
    pub p: f32,
}

/// The candidates at one position, most probable first or in any order.
pub type Candidates = heapless::Vec<Candidate, MAX_CANDIDATES>;

/// A repaired reading.
#[derive(Clone, Debug)]
pub struct Repaired {
    pub document: Document,
    /// The recognizer's probability for the chosen character at each position, given what the
    /// grammar allows there: a digit read as `O` with `0` as runner-up is `0` with the share
    /// of `0` among the allowed candidates and the probability no candidate holds
    /// ([`grammar_share`]).
    pub confidence: [[f32; MAX_LINE_LEN]; MAX_LINES],
    /// Positions where the chosen character is not the recognizer's first choice.
    pub changed: [[bool; MAX_LINE_LEN]; MAX_LINES],
    /// For each check-digit-covered field: P(best valid reading) / (P(best) + P(next valid)),
    /// 1.0 when no other reading satisfies the check. Low values mean the check digit could not
    /// tell two readings apart.
    pub margin: heapless::Vec<(CheckKind, f32), 5>,
}

impl Repaired {
    pub fn margin(&self, kind: CheckKind) -> f32 {
        self.margin.iter().find(|(k, _)| *k == kind).map_or(1.0, |(_, m)| *m)
    }

    /// Whether any position was changed against the recognizer's first choice.
    pub fn any_changed(&self) -> bool {
        self.changed.iter().flatten().any(|&c| c)
    }
}

/// A candidate list from a plain reading: each character with probability 1.
pub fn certain(text: &str) -> heapless::Vec<heapless::Vec<Candidates, MAX_LINE_LEN>, MAX_LINES> {
    let mut out = heapless::Vec::new();
    for line in super::document::split_lines(text) {
        let mut l = heapless::Vec::new();
        for c in line.bytes().take(MAX_LINE_LEN) {
            let mut cands = Candidates::new();
            let _ = cands.push(Candidate { ch: c, p: 1.0 });
            let _ = l.push(cands);
        }
        if out.push(l).is_err() {
            break;
        }
    }
    out
}

#[derive(Clone, Copy)]
struct Edit {
    line: u8,
    pos: u8,
    idx: u8,
}

#[derive(Clone)]
struct Assignment {
    edits: heapless::Vec<Edit, MAX_EDITS>,
    /// Sum of log-probabilities relative to the baseline (grammar-best) choice.
    score: f32,
}

struct Grid {
    layout: &'static Layout,
    /// Allowed candidates per position, most probable first (never empty).
    alts: [[Candidates; MAX_LINE_LEN]; MAX_LINES],
    /// Per position: the probability mass the grammar leaves (allowed candidates plus what no
    /// candidate holds), 1.0 where it excludes nothing.
    allowed_mass: [[f32; MAX_LINE_LEN]; MAX_LINES],
    /// The recognizer's first choice per position.
    first: [[u8; MAX_LINE_LEN]; MAX_LINES],
    /// Index into `alts` chosen per position.
    choice: [[u8; MAX_LINE_LEN]; MAX_LINES],
    today: Ymd,
}

fn ln(p: f32) -> f32 {
    p.clamp(1e-6, 1.0).ln()
}

impl Grid {
    fn ch(&self, line: usize, pos: usize) -> u8 {
        self.alts[line][pos][self.choice[line][pos] as usize].ch
    }

    fn positions(spans: &[Span], out: &mut heapless::Vec<(u8, u8), 64>) {
        for s in spans {
            for pos in s.range() {
                let _ = out.push((s.line, pos as u8));
            }
        }
    }

    /// The bytes at `positions` with `edits` applied.
    fn bytes(&self, positions: &[(u8, u8)], edits: &[Edit]) -> heapless::Vec<u8, 64> {
        let mut v = heapless::Vec::new();
        for &(l, p) in positions {
            let idx = edits
                .iter()
                .find(|e| e.line == l && e.pos == p)
                .map_or(self.choice[l as usize][p as usize], |e| e.idx);
            let _ = v.push(self.alts[l as usize][p as usize][idx as usize].ch);
        }
        v
    }

    fn edit_score(&self, e: Edit) -> f32 {
        let a = &self.alts[e.line as usize][e.pos as usize];
        let base = a[self.choice[e.line as usize][e.pos as usize] as usize].p;
        ln(a[e.idx as usize].p) - ln(base)
    }

    /// The best `keep` assignments of at most MAX_EDITS changes at `positions` that `valid`
    /// accepts, best first.
    fn best_valid(
        &self,
        positions: &[(u8, u8)],
        valid: &dyn Fn(&[u8]) -> bool,
        keep: usize,
    ) -> heapless::Vec<Assignment, 8> {
        let mut found: heapless::Vec<Assignment, 8> = heapless::Vec::new();
        let mut consider = |edits: &[Edit], grid: &Self| {
            let bytes = grid.bytes(positions, edits);
            if !valid(&bytes) {
                return;
            }
            let score: f32 = edits.iter().map(|&e| grid.edit_score(e)).sum();
            let a = Assignment { edits: heapless::Vec::from_slice(edits).unwrap_or_default(), score };
            let at = found.iter().position(|f| f.score < score).unwrap_or(found.len());
            if at < keep {
                if found.len() == keep {
                    found.pop();
                }
                let _ = found.insert(at, a);
            }
        };
        consider(&[], self);
        let alt_edits = |&(l, p): &(u8, u8)| {
            let cur = self.choice[l as usize][p as usize];
            (0..self.alts[l as usize][p as usize].len() as u8)
                .filter(move |&i| i != cur)
                .map(move |idx| Edit { line: l, pos: p, idx })
        };
        for (i, a) in positions.iter().enumerate() {
            for e1 in alt_edits(a) {
                consider(&[e1], self);
                for b in &positions[i + 1..] {
                    for e2 in alt_edits(b) {
                        consider(&[e1, e2], self);
                    }
                }
            }
        }
        found
    }

    fn apply(&mut self, edits: &[Edit]) {
        for e in edits {
            self.choice[e.line as usize][e.pos as usize] = e.idx;
        }
    }
}

/// The probability mass left at a position once the grammar has excluded what it cannot hold:
/// the allowed candidates' plus the mass no candidate holds (it may be an allowed character),
/// at least a tenth of a percent. A chosen character's probability divided by this is its
/// probability given the grammar; where the grammar excludes nothing it is 1.
fn grammar_share(cands: &Candidates, allowed: &Candidates) -> f32 {
    let listed: f32 = cands.iter().map(|c| c.p.max(0.0)).sum();
    let kept: f32 = allowed.iter().map(|c| c.p.max(0.0)).sum();
    (kept + (1.0 - listed).max(0.0)).clamp(1e-3, 1.0)
}

/// Whether the bytes of a field plus its check digit (last byte) are acceptable.
fn field_validator(kind: CheckKind, today: Ymd) -> impl Fn(&[u8]) -> bool {
    move |b: &[u8]| {
        let (data, digit) = b.split_at(b.len() - 1);
        if !check_holds(data, digit[0]) {
            return false;
        }
        let role = match kind {
            CheckKind::DateOfBirth => DateRole::Birth,
            CheckKind::DateOfExpiry => DateRole::Expiry,
            _ => return true,
        };
        data.try_into().is_ok_and(|raw: [u8; 6]| MrzDate::parse(raw, role, today).valid)
    }
}

/// Repairs a zone from per-position candidates (`observed[line][pos]`), reading dates relative
/// to `today`.
pub fn repair(observed: &[&[Candidates]], today: Ymd) -> Result<Repaired, MrzError> {
    let lines = observed.len();
    if !(2..=3).contains(&lines) {
        return Err(MrzError::LineCount(lines));
    }
    let len = observed[0].len();
    if let Some((i, l)) = observed.iter().enumerate().find(|(_, l)| l.len() != len) {
        return Err(MrzError::RaggedLines { line: i + 1, len: l.len() });
    }
    let top = |c: &Candidates| {
        c.iter().copied().fold(None::<Candidate>, |best, x| match best {
            Some(b) if b.p >= x.p => Some(b),
            _ => Some(x),
        })
    };
    // The document code's first character is a letter (`V` marks a visa): the most probable
    // letter among the first position's candidates decides the format.
    let first_char = observed[0]
        .first()
        .and_then(|c| c.iter().filter(|x| x.ch.is_ascii_uppercase()).copied().reduce(|a, b| if b.p > a.p { b } else { a }))
        .map_or(0, |c| c.ch);
    let format = Format::detect(lines, len, first_char).ok_or(MrzError::UnknownFormat { lines, len })?;
    let layout = format.layout();

    let mut grid = Grid {
        layout,
        alts: core::array::from_fn(|_| core::array::from_fn(|_| Candidates::new())),
        allowed_mass: [[1.0; MAX_LINE_LEN]; MAX_LINES],
        first: [[0; MAX_LINE_LEN]; MAX_LINES],
        choice: [[0; MAX_LINE_LEN]; MAX_LINES],
        today,
    };
    for (li, line) in observed.iter().enumerate() {
        for (pos, cands) in line.iter().enumerate() {
            let best = top(cands).ok_or(MrzError::InvalidChar { line: li + 1, pos: pos + 1, ch: '?' })?;
            grid.first[li][pos] = best.ch;
            let class = layout.class_at(li, pos);
            let mut allowed: Candidates = cands
                .iter()
                .copied()
                .filter(|c| super::charset::is_mrz_char(c.ch) && class.allows(c.ch))
                .collect();
            if allowed.is_empty() {
                // Nothing the grammar allows: keep the recognizer's choice; the parser flags it.
                let _ = allowed.push(best);
            } else {
                grid.allowed_mass[li][pos] = grammar_share(cands, &allowed);
            }
            allowed.sort_unstable_by(|a, b| b.p.total_cmp(&a.p));
            grid.alts[li][pos] = allowed;
        }
    }

    // Each field with its own check digit, best valid readings first.
    let mut margin = heapless::Vec::new();
    let mut per_field: heapless::Vec<(CheckKind, heapless::Vec<(u8, u8), 64>, heapless::Vec<Assignment, 8>), 4> =
        heapless::Vec::new();
    for spec in layout.checks.iter().filter(|c| c.kind != CheckKind::Composite) {
        let mut positions = heapless::Vec::new();
        Grid::positions(spec.covers, &mut positions);
        Grid::positions(&[spec.digit], &mut positions);
        if spec.kind == CheckKind::DocumentNumber && grid.ch(spec.digit.line as usize, spec.digit.start as usize) == b'<'
        {
            // A long number continued into the optional data: the composite alone checks it.
            continue;
        }
        let validator = field_validator(spec.kind, grid.today);
        let found = grid.best_valid(&positions, &validator, KEEP_PER_FIELD);
        let m = match (found.first(), found.get(1)) {
            (Some(a), Some(b)) => 1.0 / (1.0 + (b.score - a.score).exp()),
            _ => 1.0,
        };
        let _ = margin.push((spec.kind, m));
        if let Some(best) = found.first() {
            let edits = best.edits.clone();
            grid.apply(&edits);
        }
        let _ = per_field.push((spec.kind, positions, found));
    }

    if let Some(composite) = layout.check(CheckKind::Composite) {
        composite_search(&mut grid, composite, &per_field);
    }

    let mut text = Lines::new();
    let mut confidence = [[0f32; MAX_LINE_LEN]; MAX_LINES];
    let mut changed = [[false; MAX_LINE_LEN]; MAX_LINES];
    for li in 0..lines {
        let mut l = Line::new();
        for pos in 0..len {
            let c = grid.alts[li][pos][grid.choice[li][pos] as usize];
            let _ = l.push(c.ch as char);
            confidence[li][pos] = (c.p / grid.allowed_mass[li][pos]).clamp(0.0, 1.0);
            changed[li][pos] = c.ch != grid.first[li][pos];
        }
        let _ = text.push(l);
    }
    let refs: heapless::Vec<&str, MAX_LINES> = text.iter().map(|l| l.as_str()).collect();
    let document = Document::parse(&refs, today)?;
    Ok(Repaired { document, confidence, changed, margin })
}

/// When the composite fails: combine the fields' best valid readings (and at most one change
/// among composite-covered positions that no own check digit covers, and the composite digit's
/// candidates) into the most probable reading the composite accepts. Nothing changes when no
/// combination satisfies it.
fn composite_search(
    grid: &mut Grid,
    composite: &CheckSpec,
    per_field: &[(CheckKind, heapless::Vec<(u8, u8), 64>, heapless::Vec<Assignment, 8>)],
) {
    let mut covered = heapless::Vec::<(u8, u8), 64>::new();
    Grid::positions(composite.covers, &mut covered);
    let mut with_digit = covered.clone();
    Grid::positions(&[composite.digit], &mut with_digit);
    let holds = |grid: &Grid, edits: &[Edit]| {
        let b = grid.bytes(&with_digit, edits);
        let (data, digit) = b.split_at(b.len() - 1);
        check_holds(data, digit[0])
    };
    if holds(grid, &[]) {
        return;
    }
    // Options per own-checked field: its valid readings relative to the current choice (which
    // is the first of them when one exists).
    let baseline: f32 = 0.0;
    let field_options: heapless::Vec<heapless::Vec<(heapless::Vec<Edit, MAX_EDITS>, f32), 8>, 4> = per_field
        .iter()
        .filter(|(_, positions, _)| positions.iter().any(|p| covered.contains(p)))
        .map(|(_, _, found)| {
            let mut opts: heapless::Vec<(heapless::Vec<Edit, MAX_EDITS>, f32), 8> = heapless::Vec::new();
            match found.first() {
                Some(best) => {
                    // The grid already holds `best`; other options are expressed from the baseline
                    // by undoing nothing: re-apply their edits over the original choice.
                    for a in found.iter() {
                        let _ = opts.push((a.edits.clone(), a.score - best.score));
                    }
                }
                None => {
                    let _ = opts.push((heapless::Vec::new(), baseline));
                }
            }
            opts
        })
        .collect();
    // Positions covered by the composite but by no own check digit (TD1/TD2 optional data).
    let own: heapless::Vec<(u8, u8), 128> =
        per_field.iter().flat_map(|(_, positions, _)| positions.iter().copied()).collect();
    let free: heapless::Vec<(u8, u8), 64> = covered.iter().copied().filter(|p| !own.contains(p)).collect();
    // Up to MAX_EDITS changes among those positions and the composite digit: the most probable
    // single changes, and pairs of them.
    let mut singles: Vec<(Edit, f32)> = Vec::new();
    for &(l, p) in free.iter().chain(core::iter::once(&(composite.digit.line, composite.digit.start))) {
        let cur = grid.choice[l as usize][p as usize];
        for idx in 0..grid.alts[l as usize][p as usize].len() as u8 {
            if idx != cur {
                let e = Edit { line: l, pos: p, idx };
                singles.push((e, grid.edit_score(e)));
            }
        }
    }
    singles.sort_unstable_by(|a, b| b.1.total_cmp(&a.1));
    singles.truncate(MAX_FREE_SINGLES);
    let mut free_edits: Vec<(heapless::Vec<Edit, MAX_EDITS>, f32)> = vec![(heapless::Vec::new(), 0.0)];
    for (i, &(a, sa)) in singles.iter().enumerate() {
        free_edits.push((heapless::Vec::from_slice(&[a]).unwrap_or_default(), sa));
        for &(b, sb) in &singles[i + 1..] {
            if (a.line, a.pos) != (b.line, b.pos) {
                free_edits.push((heapless::Vec::from_slice(&[a, b]).unwrap_or_default(), sa + sb));
            }
        }
    }

    // The grid holds each field's best; an option's edits are relative to the grid *before*
    // that field's best was applied, so restore those positions first.
    let original_choice = grid.choice;
    let reset_field = |grid: &mut Grid, field: usize| {
        for &(l, p) in per_field[field].1.iter() {
            grid.choice[l as usize][p as usize] = original_choice[l as usize][p as usize];
        }
    };
    let covered_fields: heapless::Vec<usize, 4> = per_field
        .iter()
        .enumerate()
        .filter(|(_, (_, positions, _))| positions.iter().any(|p| covered.contains(p)))
        .map(|(i, _)| i)
        .collect();

    let mut best: Option<(f32, heapless::Vec<usize, 4>, usize)> = None;
    let n = field_options.len();
    let mut idx = [0usize; 4];
    loop {
        // Build the grid for this combination.
        let mut trial = Grid {
            layout: grid.layout,
            alts: grid.alts.clone(),
            allowed_mass: grid.allowed_mass,
            first: grid.first,
            choice: grid.choice,
            today: grid.today,
        };
        let mut score = 0.0;
        for (k, &fi) in covered_fields.iter().enumerate() {
            let (edits, s) = &field_options[k][idx[k]];
            if !edits.is_empty() || idx[k] > 0 {
                reset_field(&mut trial, fi);
                // Re-derive from the pre-repair choice: the option's edits were found relative
                // to the choice before this field's repair.
                trial.apply(edits);
            }
            score += s;
        }
        for (fi, (edits, s)) in free_edits.iter().enumerate() {
            if best.as_ref().is_none_or(|b| score + s > b.0) && holds(&trial, edits) {
                best = Some((score + s, idx[..n].iter().copied().collect(), fi));
            }
        }
        // Next combination.
        let mut k = 0;
        while k < n {
            idx[k] += 1;
            if idx[k] < field_options[k].len() {
                break;
            }
            idx[k] = 0;
            k += 1;
        }
        if k == n {
            break;
        }
    }
    if let Some((_, choice, free_edit)) = best {
        for (k, &fi) in covered_fields.iter().enumerate() {
            if choice[k] > 0 {
                reset_field(grid, fi);
                grid.apply(&field_options[k][choice[k]].0);
            }
        }
        grid.apply(&free_edits[free_edit].0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mrz::format::FieldKind;

    const TODAY: Ymd = Ymd::new(2026, 11, 30);
    const TD3: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

    /// Candidates for `text`, with `(line, pos, wrong, p_wrong)` replacing the first choice and
    /// the true character kept as second candidate with `1 - p_wrong`.
    fn observe(text: &str, corrupt: &[(usize, usize, u8, f32)]) -> heapless::Vec<heapless::Vec<Candidates, 44>, 3> {
        let mut obs = certain(text);
        for &(l, p, wrong, pw) in corrupt {
            let truth = obs[l][p][0].ch;
            obs[l][p].clear();
            let _ = obs[l][p].push(Candidate { ch: wrong, p: pw });
            let _ = obs[l][p].push(Candidate { ch: truth, p: 1.0 - pw });
        }
        obs
    }

    fn run(obs: &heapless::Vec<heapless::Vec<Candidates, 44>, 3>) -> Repaired {
        let refs: heapless::Vec<&[Candidates], 3> = obs.iter().map(|l| l.as_slice()).collect();
        repair(&refs, TODAY).unwrap()
    }

    fn text(r: &Repaired) -> String {
        r.document.lines.iter().map(|l| l.as_str()).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn clean_reading_unchanged() {
        let r = run(&certain(TD3));
        assert_eq!(text(&r), TD3);
        assert!(!r.any_changed());
        assert!(r.document.is_valid());
    }

    #[test]
    fn grammar_picks_digit_in_date() {
        // 'O' read in the birth date with '0' as the runner-up: grammar alone decides.
        let r = run(&observe(TD3, &[(1, 13, b'O', 0.9)]));
        assert_eq!(text(&r), TD3);
    }

    #[test]
    fn confidence_is_given_the_grammar() {
        // 'O' (0.9) over '0' (0.08) in the birth date; 0.02 on no listed candidate: given that
        // only a digit may stand there, '0' has 0.08 / (0.08 + 0.02).
        let mut obs = certain(TD3);
        obs[1][15].clear();
        let _ = obs[1][15].push(Candidate { ch: b'O', p: 0.9 });
        let _ = obs[1][15].push(Candidate { ch: b'0', p: 0.08 });
        let r = run(&obs);
        assert_eq!(text(&r), TD3);
        assert!((r.confidence[1][15] - 0.8).abs() < 1e-4, "{}", r.confidence[1][15]);
        // Where the grammar excludes nothing (a number may hold letters), the probability stays.
        let r = run(&observe(TD3, &[(1, 7, b'G', 0.8)]));
        assert!((r.confidence[1][7] - 0.2).abs() < 1e-4, "{}", r.confidence[1][7]);
        // A digit the recognizer barely saw stays doubtful next to another digit.
        obs[1][15].clear();
        let _ = obs[1][15].push(Candidate { ch: b'O', p: 0.5 });
        let _ = obs[1][15].push(Candidate { ch: b'0', p: 0.25 });
        let _ = obs[1][15].push(Candidate { ch: b'8', p: 0.25 });
        let r = run(&obs);
        assert!(r.confidence[1][15] <= 0.5, "{}", r.confidence[1][15]);
    }

    #[test]
    fn check_digit_confirms_repair_in_number() {
        // 'L898902C3' misread as 'L898902G3' (C/G confusion, both allowed in a number).
        let r = run(&observe(TD3, &[(1, 7, b'G', 0.8)]));
        assert_eq!(text(&r), TD3);
        assert!(r.changed[1][7]);
        assert!(r.document.is_valid());
    }

    #[test]
    fn two_errors_in_one_field() {
        let r = run(&observe(TD3, &[(1, 1, b'B', 0.7), (1, 5, b'O', 0.6)]));
        assert_eq!(text(&r), TD3);
    }

    #[test]
    fn no_repair_without_confirmation() {
        // The true character is not among the candidates: the check digit fails and the reading
        // is left as read, flagged.
        let mut obs = certain(TD3);
        obs[1][2].clear();
        let _ = obs[1][2].push(Candidate { ch: b'6', p: 0.9 });
        let _ = obs[1][2].push(Candidate { ch: b'5', p: 0.1 });
        let r = run(&obs);
        let d = &r.document;
        assert!(!d.field_confirmed(FieldKind::DocumentNumber));
        assert_eq!(&d.lines[1][0..9], "L868902C3");
        assert!(!r.changed[1][2]);
    }

    #[test]
    fn composite_decides_between_field_readings() {
        // Personal number position read as 'B' vs '8' with nearly equal probability; both make
        // the personal-number check hold only when paired with the right check digit, so build a
        // case where the field check cannot tell and the composite must.
        let r = run(&observe(TD3, &[(1, 36, b'8', 0.55)]));
        assert_eq!(text(&r), TD3);
        assert!(r.document.is_valid());
    }

    #[test]
    fn chinese_letters_only_personal_number_is_kept() {
        let l2 = {
            let c = |s: &str| char::from(b'0' + crate::mrz::charset::check_digit(s.as_bytes()));
            let head = format!("E12345678{}CHN9001013F3001011NGKELMPONGPJAB{}", c("E12345678"), c("NGKELMPONGPJAB"));
            let comp: String = [&head[0..10], &head[13..20], &head[21..43]].concat();
            format!("{head}{}", c(&comp))
        };
        let t = format!("POCHNZHANG<<SAN<<<<<<<<<<<<<<<<<<<<<<<<<<<<<\n{l2}");
        let r = run(&observe(&t, &[(1, 30, b'6', 0.7)]));
        assert_eq!(text(&r), t);
    }

    #[test]
    fn shape_errors() {
        let obs = certain("P<UTO\nL89");
        let refs: Vec<&[Candidates]> = obs.iter().map(|l| l.as_slice()).collect();
        assert!(repair(&refs, TODAY).is_err());
        let empty: Vec<Candidates> = vec![Candidates::new(); 44];
        assert!(repair(&[&empty, &empty], TODAY).is_err());
    }
}
