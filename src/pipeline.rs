//! The engine: one object that runs the stages in order. Each stage is a public function of its
//! own module (and a method here), so it can be run and inspected alone; the engine only hands
//! typed values from one to the next:
//!
//! ```text
//! Decoded → prepare → Prepared → locate → Zone → rectify → Strip → recognize → LineReading
//!         → mrz::repair → Repaired → result → PassportResult
//! ```

use crate::chinese::{self, text::TextModel, text::TractTextModel, VisualRead};
use crate::error::Error;
use crate::input::{self, Decoded};
use crate::locate::{self, Zone};
use crate::mrz::{Document, Format, Repaired, Ymd};
use crate::prepare::{self, Prepared};
use crate::recognize::{self, tract::TractLineModel, LineModel, LineReading};
pub use crate::result::Mode;
use crate::result::{mrz_result, ChineseResult, PassportResult};

/// Fewest pages-per-image the reader accepts (the API requires 25%; the page size is estimated
/// from the zone, so a little tolerance).
pub const MIN_PAGE_COVERAGE: f32 = 0.23;
/// Smallest character height (full-resolution pixels) worth reading.
pub const MIN_CHAR_HEIGHT: f32 = 4.0;
/// Lowest confidence of a checked field in a reading that is answered with. Print blurred past
/// reading still gives characters, and the repair can make nearly anything satisfy the check
/// digits from candidates of a few percent: such readings put a checked field below 0.13, while
/// correct ones stayed above 0.2 (`passread eval` on 400 generated photographs, seed 900211). On
/// another 600 (seed 900313) the floor refused 11 wrong readings and 4 right ones (0.10–0.14):
/// a refusal the user can fix by a second photograph, rather than a wrong answer.
pub const MIN_CHECKED_FIELD_CONFIDENCE: f64 = 0.15;
/// Lowest character probability of a reading taken without a second look from varied strips.
const UNSURE: f32 = 0.6;
/// Zones tried per image and candidate pass.
const MAX_ZONES: usize = 3;
/// Fewest glyphs a short zone's longest line must read before it is continued
/// ([`Engine::read_zone_extended`]).
pub const MIN_SEEN_GLYPHS: usize = 12;
/// Fewest pitches a short zone's lines are continued by ([`Engine::read_zone_extended`]).
const MIN_CONTINUED: usize = 3;
/// Lowest mean character probability of a continued zone's reading: continued into the page's
/// other print or the background, blurred glyphs read at a few tenths each can be repaired
/// into check digits that hold.
const MIN_CONTINUED_MEAN: f32 = 0.8;

/// What the engine read from one located zone in one direction.
#[derive(Clone, Debug)]
pub struct ZoneReading {
    pub zone: Zone,
    pub lines: Vec<LineReading>,
    pub repaired: Repaired,
}

impl ZoneReading {
    /// Failing check digits.
    pub fn failed_checks(&self) -> usize {
        self.repaired.document.checks.iter().filter(|c| !c.valid).count()
    }

    /// Lowest character probability over the zone.
    pub fn min_confidence(&self) -> f32 {
        self.lines.iter().map(LineReading::min_confidence).fold(1.0, f32::min)
    }

    /// Mean character probability over the zone.
    pub fn mean_confidence(&self) -> f32 {
        let n = self.lines.iter().map(|l| l.candidates.len()).sum::<usize>().max(1) as f32;
        self.lines.iter().map(|l| l.mean_confidence() * l.candidates.len() as f32).sum::<f32>() / n
    }

    /// A clean reading: every check digit holds and no character is against the grammar.
    fn clean(&self) -> bool {
        self.failed_checks() == 0 && self.repaired.document.grammar_errors == 0
    }

    /// Ordering key: an answerable reading ([`Self::acceptable`]) first, then fewer failing
    /// checks, then fewer grammar errors, then confidence.
    fn rank(&self) -> (bool, usize, u8, f32) {
        (!self.acceptable(), self.failed_checks(), self.repaired.document.grammar_errors, -self.min_confidence())
    }

    /// The lowest confidence of the fields that check digits protect (document number, dates
    /// of birth and expiry), as the result reports them.
    pub fn checked_field_confidence(&self) -> f64 {
        let conf = crate::result::mrz_confidence(&self.repaired.document, Some(&self.repaired));
        ["passport_number", "date_of_birth", "date_of_expiry"]
            .iter()
            .filter_map(|f| conf.get(f))
            .fold(1.0, f64::min)
    }

    /// A reading worth answering with: at most one failing check digit, at most two characters
    /// against the grammar, and the checked fields read with at least
    /// [`MIN_CHECKED_FIELD_CONFIDENCE`]. Anything worse is not reported as a passport.
    pub fn acceptable(&self) -> bool {
        self.failed_checks() <= 1
            && self.repaired.document.grammar_errors <= 2
            && self.checked_field_confidence() >= MIN_CHECKED_FIELD_CONFIDENCE
    }
}

/// The reader. Create once (it loads the model), reuse for every image; `Send + Sync`.
///
/// The Chinese text model (`chinese::text`) is loaded on the first Chinese read, not here, so
/// MRZ-only reading does not pay for it.
pub struct Engine {
    model: Box<dyn LineModel>,
    text_model: std::sync::OnceLock<Result<Box<dyn TextModel>, String>>,
    today: Option<Ymd>,
}

/// Fewest visual fields that confirm a page as a Chinese mainland data page.
pub const MIN_CHINESE_FIELDS: usize = 4;

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("today", &self.today).finish_non_exhaustive()
    }
}

/// Keeps `r` in `best` when it ranks better ([`ZoneReading::rank`]); whether `r` is clean and
/// answerable, so that the search can stop. A clean reading of guesswork (its checked fields
/// below [`MIN_CHECKED_FIELD_CONFIDENCE`]) does not stop it: a zone further down may read.
fn keep_better(best: &mut Option<ZoneReading>, r: ZoneReading) -> bool {
    let done = r.clean() && r.acceptable();
    if best.as_ref().is_none_or(|b| r.rank() < b.rank()) {
        *best = Some(r);
    }
    done
}

/// Characters per line of a zone with `lines` lines whose longest line is `ratio` character
/// heights long (the ink of an OCR-B line is about 1.04 heights a character).
pub fn chars_per_line(lines: usize, ratio: f32) -> usize {
    match lines {
        3 => 30,
        _ if ratio < 34.0 => 30,
        _ if ratio < 41.0 => 36,
        _ => 44,
    }
}

impl Engine {
    /// The engine with the shipped model.
    pub fn new() -> Result<Self, Error> {
        Ok(Self::with_model(Box::new(TractLineModel::embedded()?)))
    }

    /// The engine with another line model (tests use small fake models).
    pub fn with_model(model: Box<dyn LineModel>) -> Self {
        Engine { model, text_model: std::sync::OnceLock::new(), today: None }
    }

    /// Uses another text model for the Chinese visual zone (tests use small fake models).
    pub fn with_text_model(self, model: Box<dyn TextModel>) -> Self {
        let cell = std::sync::OnceLock::new();
        let _ = cell.set(Ok(model));
        Engine { text_model: cell, ..self }
    }

    /// The Chinese text model, loaded on first use.
    pub fn text_model(&self) -> Result<&dyn TextModel, Error> {
        self.text_model
            .get_or_init(|| TractTextModel::embedded().map(|m| Box::new(m) as Box<dyn TextModel>).map_err(|e| e.to_string()))
            .as_ref()
            .map(|b| b.as_ref())
            .map_err(|e| Error::Model(e.clone()))
    }

    /// Whether a reading gets the Chinese full read in `mode`: forced by `Mode::Chinese` for
    /// any passport zone, automatic for a Chinese mainland ordinary passport (issuing state CHN,
    /// document code PO, mainland number), never for `Mode::General`.
    pub fn wants_chinese(&self, reading: &ZoneReading, mode: Mode) -> bool {
        let doc = &reading.repaired.document;
        match mode {
            Mode::General => false,
            Mode::Chinese => doc.format == Format::Td3,
            Mode::Auto => doc.is_chinese_mainland_passport(),
        }
    }

    /// Stages C1–C5 (`crate::chinese`): the visual zone of a Chinese page whose MRZ was read.
    /// `None` for a page that is not a Chinese mainland passport by its MRZ (read with
    /// `Mode::Chinese`) and shows fewer than `MIN_CHINESE_FIELDS` of its fields.
    pub fn read_chinese(&self, p: &Prepared, reading: &ZoneReading) -> Result<Option<(ChineseResult, VisualRead)>, Error> {
        let model = self.text_model()?;
        let (result, visual) = chinese::read_chinese(model, p, reading, self.today())?;
        // A Chinese mainland ordinary passport by its MRZ always gets the Chinese shape (what
        // could not be read is absent); a page forced by CHN must show some of the fields.
        let mainland = reading.repaired.document.is_chinese_mainland_passport();
        if !mainland && visual.fields.found() < MIN_CHINESE_FIELDS {
            log::debug!("only {} Chinese fields found: MRZ-only result", visual.fields.found());
            return Ok(None);
        }
        Ok(Some((result, visual)))
    }

    /// Reads dates relative to a fixed day instead of the system clock (tests, replays).
    pub fn with_today(mut self, today: Ymd) -> Self {
        self.today = Some(today);
        self
    }

    pub fn today(&self) -> Ymd {
        self.today.unwrap_or_else(Ymd::today)
    }

    /// Stage 0: decode and check an image file's bytes.
    pub fn decode(&self, bytes: &[u8]) -> Result<Decoded, Error> {
        input::decode(bytes)
    }

    /// Stage 1: luma and the small search copy.
    pub fn prepare(&self, image: &Decoded) -> Prepared {
        prepare::prepare(&image.image)
    }

    /// Refuses frames too dark to hold readable print (AIS.0104) and featureless ones, which
    /// hold no document (AIS.0105).
    pub fn check_exposure(&self, p: &Prepared) -> Result<(), Error> {
        let hist = crate::locate::morph::Histogram::new(&p.small);
        let (p1, p99) = (i32::from(hist.percentile(0.01)), i32::from(hist.percentile(0.99)));
        if p99 < 35 {
            return Err(Error::PoorQuality(format!("too dark (99th percentile luma {p99})")));
        }
        if p99 - p1 < 24 {
            // Nothing printed anywhere: no document in view.
            return Err(Error::NotFound(format!("a featureless image (1st/99th percentile luma {p1}/{p99})")));
        }
        Ok(())
    }

    /// Stage 2: zones in the frame, most likely first.
    pub fn locate(&self, p: &Prepared) -> Vec<Zone> {
        locate::locate(p)
    }

    /// Stages 3–5 for one zone in the direction given: strips, recognizer, repair. `None` when
    /// the lines do not read as an MRZ (wrong lengths, unknown format).
    pub fn read_zone(&self, p: &Prepared, zone: &Zone) -> Result<Option<ZoneReading>, Error> {
        let h = zone.char_height().max(1.0);
        let guess = chars_per_line(zone.lines.len(), zone.length() / h);
        // The guess first, then what the lines read as, then the other lengths of the shape.
        let mut order: Vec<usize> = vec![guess];
        let others: &[usize] = if zone.lines.len() == 3 { &[] } else { &[44, 36, 30] };
        let mut lines = Vec::new();
        let mut i = 0;
        let mut chars = guess;
        while i < order.len() {
            chars = order[i];
            i += 1;
            lines = zone
                .lines
                .iter()
                .map(|line| recognize::read_line_n(self.model.as_ref(), &crate::rectify::strip(&p.luma, line, chars), chars))
                .collect::<Result<Vec<_>, _>>()?;
            if lines.iter().all(|l| l.text.len() == chars) {
                break;
            }
            let read_as = lines[0].text.len();
            if others.contains(&read_as) && !order.contains(&read_as) && lines.iter().all(|l| l.text.len() == read_as) {
                order.insert(i, read_as);
            }
            if i == order.len() {
                if let Some(&next) = others.iter().find(|n| !order.contains(n)) {
                    order.push(next);
                }
            }
        }
        if lines.iter().any(|l| l.text.len() != chars) {
            log::debug!("zone lines read with lengths {:?}", lines.iter().map(|l| l.text.len()).collect::<Vec<_>>());
            return Ok(None);
        }
        let refs: Vec<&[crate::mrz::Candidates]> = lines.iter().map(|l| l.candidates.as_slice()).collect();
        match crate::mrz::repair(&refs, self.today()) {
            Ok(repaired) => Ok(Some(ZoneReading { zone: zone.clone(), lines, repaired })),
            Err(e) => {
                log::debug!("zone is not an MRZ: {e}");
                Ok(None)
            }
        }
    }

    /// [`Self::read_zone`], and for a reading that is an MRZ but unsure of a character (one or
    /// two failing checks, or a character below [`UNSURE`]) once more from varied strips
    /// ([`Self::read_zone_varied`]), keeping the better by [`ZoneReading::rank`]; a reading
    /// still failing a check digit, or not worth answering, once more with the lines' ends out by
    /// half a pitch (the reading's zone is then that one). How [`Self::read`] reads each zone in
    /// each direction.
    pub fn read_zone_settled(&self, p: &Prepared, zone: &Zone) -> Result<Option<ZoneReading>, Error> {
        let Some(mut r) = self.read_zone(p, zone)? else { return Ok(None) };
        if r.failed_checks() <= 2 && (r.failed_checks() > 0 || r.min_confidence() < UNSURE) {
            let chars = r.lines[0].text.len();
            log::debug!("unsure reading ({} failing checks, min p {:.2}): varied strips", r.failed_checks(), r.min_confidence());
            if let Some(v) = self.read_zone_varied(p, zone, chars)? {
                if v.rank() <= r.rank() {
                    r = v;
                }
            }
        }
        // A first or last glyph the line's found end cut into (its faint edge lost from the ink
        // mask) misreads in every strip cut from the same ends, varied or not: with a check
        // digit still failing or the reading not worth answering, once more with the lines' ends
        // out by half a pitch, at the start, then at the end. Taken only where it ranks better.
        if r.failed_checks() <= 2 && (r.failed_checks() > 0 || !r.acceptable()) {
            let pitch = zone.length() / r.lines[0].text.len().max(1) as f32;
            for (before, after) in [(0.5 * pitch, 0.0), (0.0, 0.5 * pitch)] {
                let out = Zone { lines: zone.lines.iter().map(|l| l.extended(before, after)).collect() };
                if let Some(v) = self.read_zone(p, &out)? {
                    if v.rank() < r.rank() {
                        log::debug!("a line end cut into a glyph: read with the ends out");
                        r = v;
                    }
                }
            }
        }
        Ok(Some(r))
    }

    /// A zone read once more from strips of slightly varied geometry (the lines moved up and
    /// down by a tenth of a height, taller, longer), every line's candidates averaged over the
    /// readings at `chars` characters a line ([`recognize::merge_readings`]), then repaired. A
    /// strip's exact placement sways a marginal character; the average is steadier than any one.
    /// `None` when the varied strips do not read at that length.
    pub fn read_zone_varied(&self, p: &Prepared, zone: &Zone, chars: usize) -> Result<Option<ZoneReading>, Error> {
        let h = zone.char_height();
        let variants = [(0.0, 1.0, 0.0), (-0.1 * h, 1.0, 0.0), (0.1 * h, 1.0, 0.0), (0.0, 1.12, 0.0), (0.0, 1.0, 0.4 * h)];
        let mut lines = Vec::with_capacity(zone.lines.len());
        for line in &zone.lines {
            let mut readings = Vec::with_capacity(variants.len());
            for &(d, scale, grow) in &variants {
                let strip = crate::rectify::strip(&p.luma, &line.varied(d, scale, grow), chars);
                let r = recognize::read_line_n(self.model.as_ref(), &strip, chars)?;
                if r.text.len() == chars {
                    readings.push(r);
                }
            }
            let Some(merged) = recognize::merge_readings(&readings) else { return Ok(None) };
            lines.push(merged);
        }
        let refs: Vec<&[crate::mrz::Candidates]> = lines.iter().map(|l| l.candidates.as_slice()).collect();
        Ok(crate::mrz::repair(&refs, self.today()).ok().map(|repaired| ZoneReading { zone: zone.clone(), lines, repaired }))
    }

    /// A zone whose lines hold fewer glyphs than its format: glare across the zone or a faint,
    /// dim end took some of its print out of the ink mask, and the lines were found short. The
    /// lines are read once as found to count their glyphs (`seen`, the longest line) and the
    /// pitch (their length over the glyphs), then continued by the missing glyphs plus one pitch
    /// of margin (at least [`MIN_CONTINUED`] pitches), at their start, at their end or half at
    /// each, and read in both directions at each format length the shape allows, longest first.
    /// The best reading by [`ZoneReading::rank`] whose characters average at least
    /// [`MIN_CONTINUED_MEAN`]; the check digits decide whether it is right. `None` when the lines
    /// read no MRZ filler (`<<`) in either direction or fewer than [`MIN_SEEN_GLYPHS`] glyphs: not
    /// an MRZ, or nothing to measure the pitch by.
    pub fn read_zone_extended(&self, p: &Prepared, zone: &Zone) -> Result<Option<ZoneReading>, Error> {
        let h = zone.char_height().max(1.0);
        let guess = chars_per_line(zone.lines.len(), zone.length() / h);
        // Glyphs seen in the direction whose reading has filler (upside down, `<` reads as junk).
        let mut seen = None;
        for direction in [zone.clone(), zone.reversed()] {
            let mut glyphs = 0;
            let mut filler = false;
            for line in &direction.lines {
                let r = recognize::read_line(self.model.as_ref(), &crate::rectify::strip(&p.luma, line, guess))?;
                glyphs = glyphs.max(r.text.len());
                filler |= r.text.contains("<<");
            }
            if filler {
                seen = Some(glyphs);
                break;
            }
        }
        log::debug!("zone continued? glyphs seen: {seen:?}");
        let Some(seen) = seen.filter(|&g| g >= MIN_SEEN_GLYPHS) else { return Ok(None) };
        // The longest format first: a cut MRV-A or TD3 read at 36 characters can hold its check
        // digits (line 2 of a visa is the same up to the optional data) with its names cut short.
        let formats: &[usize] = if zone.lines.len() == 3 { &[30] } else { &[44, 36] };
        let mut best: Option<ZoneReading> = None;
        for &n in formats.iter().filter(|&&n| n + MIN_CONTINUED >= seen) {
            // A line's ink is (glyphs - 1) pitches plus one glyph (about 0.75 pitch). A run of
            // filler may read a glyph more or less, hence the least continuation.
            let pitch = zone.length() / (seen.min(n) as f32 - 0.25);
            let missing = (n + 1).saturating_sub(seen).max(MIN_CONTINUED) as f32 * pitch;
            for (before, after) in [(missing, 0.0), (0.0, missing), (missing / 2.0, missing / 2.0)] {
                let longer = Zone { lines: zone.lines.iter().map(|l| l.extended(before, after)).collect() };
                for candidate in [longer.reversed(), longer] {
                    let read = self.read_zone(p, &candidate)?.filter(|r| r.mean_confidence() >= MIN_CONTINUED_MEAN);
                    if read.is_some_and(|r| keep_better(&mut best, r)) {
                        return Ok(best);
                    }
                }
            }
        }
        Ok(best)
    }

    /// The fraction of the image the document page covers, estimated from the zone: the zone's
    /// lines span a known share of the page's width for each format.
    pub fn page_coverage(&self, p: &Prepared, reading: &ZoneReading) -> f32 {
        let (page_w_mm, page_h_mm, chars) = match reading.repaired.document.format {
            Format::Td1 => (85.6, 54.0, 30.0),
            Format::Td2 | Format::MrvB => (105.0, 74.0, 36.0),
            Format::Td3 | Format::MrvA => (125.0, 88.0, 44.0),
        };
        // Ink length of a line: (n - 1) pitches of 2.54 mm plus one character (~1.9 mm).
        let ink_mm = (chars - 1.0) * 2.54 + 1.9;
        let px_per_mm = reading.zone.length() / ink_mm;
        let page = page_w_mm * page_h_mm * px_per_mm * px_per_mm;
        page / (p.luma.width() as f32 * p.luma.height() as f32)
    }

    /// The best reading of a frame: every located zone in both directions.
    pub fn read(&self, p: &Prepared) -> Result<ZoneReading, Error> {
        self.check_exposure(p)?;
        let mut best: Option<ZoneReading> = None;
        let mut smallest_h = f32::MAX;
        let mut seen: Vec<Zone> = Vec::new();
        // Candidates one at a time, so a frame whose first candidate reads costs one patch; the
        // directional closings only when the square ones gave nothing that reads, and last the
        // first candidates again with the ink taken at a lower contrast (faint print).
        let first = locate::candidates(p);
        let more = std::iter::once_with(|| locate::oriented_candidates(p, &first)).flatten().map(|b| (b, 1));
        let faint = first.iter().map(|b| (*b, 2));
        let mut tried = [0usize; 3];
        'zones: for (blob, pass) in first.iter().map(|b| (*b, 0)).chain(more).chain(faint) {
            if tried[pass] >= MAX_ZONES {
                continue;
            }
            let Some(zone) = locate::zone_at_with(p, &blob, pass == 2) else { continue };
            if seen.iter().any(|z| z.same_as(&zone)) {
                continue;
            }
            seen.push(zone.clone());
            tried[pass] += 1;
            smallest_h = smallest_h.min(zone.char_height());
            if zone.char_height() < MIN_CHAR_HEIGHT {
                continue;
            }
            let mut read_clean = false;
            for candidate in [zone.clone(), zone.reversed()] {
                if let Some(r) = self.read_zone_settled(p, &candidate)? {
                    read_clean |= r.clean();
                    if keep_better(&mut best, r) {
                        break 'zones;
                    }
                }
            }
            // In neither direction did the zone read clean (its check digits all holding, its
            // grammar kept): the lines may have been found short.
            if !read_clean {
                if let Some(r) = self.read_zone_extended(p, &zone)? {
                    log::debug!("zone read continued: {} failing checks", r.failed_checks());
                    if keep_better(&mut best, r) {
                        break 'zones;
                    }
                }
            }
        }
        if seen.is_empty() {
            return Err(Error::NotFound("no machine-readable zone found".into()));
        }
        match best.map(|r| plausible_fields(r, self.today())) {
            Some(r) if r.acceptable() => Ok(r),
            // Two failing check digits, or the checks held only by guesswork: an MRZ, badly
            // read. More: not an MRZ at all.
            Some(r) if r.failed_checks() <= 2 => Err(Error::PoorQuality(if r.failed_checks() <= 1 {
                format!(
                    "a machine-readable zone was found but not read reliably (checked fields read with confidence {:.2})",
                    r.checked_field_confidence()
                )
            } else {
                format!("a machine-readable zone was found but not read reliably ({} check digits fail)", r.failed_checks())
            })),
            _ if smallest_h < MIN_CHAR_HEIGHT => {
                Err(Error::PoorQuality(format!("the print is too small to read ({smallest_h:.1} px)")))
            }
            _ => Err(Error::NotFound("no machine-readable zone could be read".into())),
        }
    }

    /// Reads a decoded image and answers in the API's shape.
    pub fn recognize(&self, image: &Decoded, mode: Mode) -> Result<PassportResult, Error> {
        let prepared = self.prepare(image);
        let reading = self.read(&prepared)?;
        let coverage = self.page_coverage(&prepared, &reading);
        if coverage < MIN_PAGE_COVERAGE {
            return Err(Error::PoorQuality(format!(
                "the document covers about {:.0}% of the image; at least 25% is required",
                coverage * 100.0
            )));
        }
        let doc = &reading.repaired.document;
        log::debug!("read {} zone, mode {mode:?}, coverage {coverage:.2}", doc.format.name());
        if self.wants_chinese(&reading, mode) {
            if let Some((result, _)) = self.read_chinese(&prepared, &reading)? {
                return Ok(PassportResult::Chinese(Box::new(result)));
            }
        }
        Ok(PassportResult::Mrz(Box::new(mrz_result(doc, Some(&reading.repaired)))))
    }

    /// Decodes and reads an image file's bytes.
    pub fn recognize_bytes(&self, bytes: &[u8], mode: Mode) -> Result<PassportResult, Error> {
        let image = self.decode(bytes)?;
        self.recognize(&image, mode)
    }

}

/// Fields without a check digit that a misread makes implausible, read again: a state code
/// that is not on ICAO's list (XOR for KOR) and a Chinese mainland passport's names that do not
/// spell pinyin (LINGIANG for LINQIANG). The one change among the recognizer's own runner-ups in
/// the field that makes it plausible, the most probable such change, is taken; a state code
/// that the other state code of the zone is, first. The changed character keeps the
/// recognizer's probability for it, so the field's confidence stays as low as that (a list or
/// pinyin is a weaker test than a check digit). Any other reading is returned as it is.
pub fn plausible_fields(mut r: ZoneReading, today: Ymd) -> ZoneReading {
    use crate::mrz::format::FieldKind;
    let doc = &r.repaired.document;
    let (state, nationality) = (doc.issuing_state.clone(), doc.nationality.clone());
    if !doc.issuing_state_known {
        r = reread_field(r, FieldKind::IssuingState, today, &|d: &Document| d.issuing_state_known, &|d: &Document| d.issuing_state == nationality);
    }
    if !r.repaired.document.nationality_known {
        r = reread_field(r, FieldKind::Nationality, today, &|d: &Document| d.nationality_known, &|d: &Document| d.nationality == state);
    }
    let doc = &r.repaired.document;
    if doc.is_chinese_mainland_passport() && !crate::result::names_in_pinyin(doc) {
        r = reread_field(r, FieldKind::Name, today, &|d: &Document| crate::result::names_in_pinyin(d), &|_: &Document| false);
    }
    r
}

/// [`plausible_fields`] for one field: the best single runner-up change in `kind`'s span that
/// makes `plausible` hold without changing whether the check digits hold; one that is also
/// `preferred` wins over a more probable one that is not.
fn reread_field(r: ZoneReading, kind: crate::mrz::format::FieldKind, today: Ymd, plausible: &dyn Fn(&Document) -> bool, preferred: &dyn Fn(&Document) -> bool) -> ZoneReading {
    let doc = &r.repaired.document;
    let Some(span) = doc.format.layout().field(kind) else { return r };
    let li = span.line as usize;
    let chosen = doc.lines[li].as_bytes();
    let mut best: Option<((bool, f32), ZoneReading)> = None;
    for pos in span.range() {
        let Some(cands) = r.lines.get(li).and_then(|l| l.candidates.get(pos)) else { return r };
        for &alt in cands.iter().filter(|c| c.ch != chosen[pos] && (c.ch.is_ascii_uppercase() || c.ch == b'<')) {
            let mut lines = r.lines.clone();
            prefer(&mut lines[li], pos, alt);
            let refs: Vec<&[crate::mrz::Candidates]> = lines.iter().map(|l| l.candidates.as_slice()).collect();
            let Ok(repaired) = crate::mrz::repair(&refs, today) else { continue };
            let d = &repaired.document;
            if !plausible(d) || d.checks_hold() != doc.checks_hold() {
                continue;
            }
            let key = (preferred(d), alt.p);
            if best.as_ref().is_none_or(|(k, _)| key > *k) {
                best = Some((key, ZoneReading { zone: r.zone.clone(), lines, repaired }));
            }
        }
    }
    match best {
        Some((_, better)) => {
            log::debug!("{kind:?} read again to a plausible value");
            better
        }
        None => r,
    }
}

/// Makes `alt` the first candidate at `pos`, with its own probability: the candidates above it
/// are lowered to just under it.
fn prefer(line: &mut LineReading, pos: usize, alt: crate::mrz::Candidate) {
    let cands = &mut line.candidates[pos];
    for c in cands.iter_mut() {
        if c.ch != alt.ch && c.p >= alt.p {
            c.p = alt.p * 0.999;
        }
    }
    cands.sort_unstable_by(|a, b| b.p.total_cmp(&a.p));
    let mut text = std::mem::take(&mut line.text).into_bytes();
    if let Some(t) = text.get_mut(pos) {
        *t = alt.ch;
    }
    line.text = String::from_utf8(text).unwrap_or_default();
}

/// The MRZ-shaped result of a zone given as text (2 or 3 lines); no model involved.
pub fn result_from_mrz(lines: &[&str], today: Ymd) -> Result<(Document, PassportResult), Error> {
    let doc = Document::parse(lines, today)?;
    let result = PassportResult::Mrz(Box::new(mrz_result(&doc, None)));
    Ok((doc, result))
}

/// The `checks` object printed by `passread parse-mrz`: each check digit and whether it holds.
pub fn checks_json(doc: &Document) -> serde_json::Value {
    let mut m = serde_json::Map::new();
    for c in &doc.checks {
        m.insert(c.kind.name().to_owned(), serde_json::Value::Bool(c.valid));
    }
    serde_json::Value::Object(m)
}

/// Everything `passread parse-mrz` prints about a zone besides the API result.
pub fn document_details(doc: &Document) -> serde_json::Value {
    let s = |v: &str| serde_json::Value::String(v.to_owned());
    serde_json::json!({
        "format": doc.format.name(),
        "document_code": s(&doc.document_code),
        "issuing_state": s(&doc.issuing_state),
        "issuing_state_known": doc.issuing_state_known,
        "nationality": s(&doc.nationality),
        "nationality_known": doc.nationality_known,
        "optional_data": s(&doc.optional_data),
        "optional_data2": s(&doc.optional_data2),
        "document_number_extended": doc.document_number_extended,
        "name_possibly_truncated": doc.name_possibly_truncated,
        "date_of_birth_partial": doc.date_of_birth.partial,
        "date_of_expiry_partial": doc.date_of_expiry.partial,
        "grammar_errors": doc.grammar_errors,
        "chinese_mainland_passport": doc.is_chinese_mainland_passport(),
        "valid": doc.is_valid(),
        "checks": checks_json(doc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recognize::ctc::spell;
    use crate::recognize::NUM_CLASSES;
    const TIME_STEPS: usize = 92;
    use crate::rectify::Strip;

    /// A fake model that reads whatever text its script says, strip after strip.
    struct Scripted(std::sync::Mutex<Vec<&'static str>>);

    impl LineModel for Scripted {
        fn log_probs(&self, _strip: &Strip) -> Result<Vec<f32>, Error> {
            let mut s = self.0.lock().unwrap();
            let text = if s.len() > 1 { s.remove(0) } else { s[0] };
            Ok(spell(text, TIME_STEPS, NUM_CLASSES, 0.97))
        }
    }

    const TD3: [&str; 2] = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"];

    fn engine(script: Vec<&'static str>) -> Engine {
        Engine::with_model(Box::new(Scripted(std::sync::Mutex::new(script)))).with_today(Ymd::new(2026, 11, 30))
    }

    /// A zone reading of `lines`, every character certain except `(line, pos, read, p)`, read
    /// with probability `p` and the true character as runner-up with `1 - p`.
    fn reading_of(lines: [&str; 2], swap: (usize, usize, u8, f32)) -> ZoneReading {
        let lines: Vec<LineReading> = lines
            .iter()
            .enumerate()
            .map(|(li, t)| {
                let mut text = t.as_bytes().to_vec();
                let candidates = t
                    .bytes()
                    .enumerate()
                    .map(|(pos, ch)| {
                        let mut c = crate::mrz::Candidates::new();
                        if (li, pos) == (swap.0, swap.1) {
                            let _ = c.push(crate::mrz::Candidate { ch: swap.2, p: swap.3 });
                            let _ = c.push(crate::mrz::Candidate { ch, p: 1.0 - swap.3 });
                            text[pos] = swap.2;
                        } else {
                            let _ = c.push(crate::mrz::Candidate { ch, p: 1.0 });
                        }
                        c
                    })
                    .collect();
                LineReading { text: String::from_utf8(text).unwrap(), candidates }
            })
            .collect();
        let refs: Vec<&[crate::mrz::Candidates]> = lines.iter().map(|l| l.candidates.as_slice()).collect();
        let repaired = crate::mrz::repair(&refs, Ymd::new(2026, 11, 30)).unwrap();
        ZoneReading { zone: Zone { lines: Vec::new() }, lines, repaired }
    }

    #[test]
    fn chinese_names_read_again_to_spell_pinyin() {
        let chn = ["POCHNHE<<LINQIANG<<<<<<<<<<<<<<<<<<<<<<<<<<<", "EH89828884CHN1706240M2308157GZCGAIMSTBPNQL62"];
        let today = Ymd::new(2026, 11, 30);
        // Q (position 12) read as G at 0.8, Q the runner-up: LINQIANG, with Q's 0.2.
        let r = plausible_fields(reading_of(chn, (0, 12, b'G', 0.8)), today);
        assert_eq!(r.repaired.document.secondary_identifier.as_str(), "LINQIANG");
        let c = crate::result::mrz_confidence(&r.repaired.document, Some(&r.repaired));
        assert!(c.get("given_name").unwrap() <= 0.2 + 1e-6, "{c:?}");
        assert_eq!(r.lines[0].text, chn[0]);
        // A runner-up that spells no pinyin either (K): left as read, its confidence capped.
        let r = plausible_fields(reading_of(chn, (0, 12, b'G', 0.8)).tap_runner_up(b'K'), today);
        assert_eq!(r.repaired.document.secondary_identifier.as_str(), "LINGIANG");
        assert!(crate::result::mrz_confidence(&r.repaired.document, Some(&r.repaired)).get("given_name").unwrap() < 0.5);
        // Another state's names are not touched.
        let r = plausible_fields(reading_of(TD3, (0, 6, b'G', 0.8)), today);
        assert_eq!(r.repaired.document.primary_identifier.as_str(), "EGIKSSON");
    }

    #[test]
    fn unknown_state_codes_read_again_to_a_listed_one() {
        let today = Ymd::new(2026, 11, 30);
        // UTO (the specimen state) read as XTO, U the runner-up: back to UTO, at U's 0.2.
        let r = plausible_fields(reading_of(TD3, (0, 2, b'X', 0.8)), today);
        assert_eq!(r.repaired.document.issuing_state.as_str(), "UTO");
        assert!(crate::result::mrz_confidence(&r.repaired.document, Some(&r.repaired)).get("country_code").unwrap() <= 0.2 + 1e-6);
        // A runner-up that is not a listed code either: left as read (and capped by the result).
        let r = plausible_fields(reading_of(TD3, (0, 2, b'X', 0.8)).tap_runner_up(b'Q'), today);
        assert_eq!(r.repaired.document.issuing_state.as_str(), "XTO");
        // The nationality the same way.
        let r = plausible_fields(reading_of(TD3, (1, 10, b'X', 0.8)), today);
        assert_eq!(r.repaired.document.nationality.as_str(), "UTO");
    }

    impl ZoneReading {
        /// The reading with the runner-up of its one doubtful character replaced by `ch`.
        fn tap_runner_up(mut self, ch: u8) -> ZoneReading {
            for l in &mut self.lines {
                for c in &mut l.candidates {
                    if c.len() == 2 {
                        c[1].ch = ch;
                    }
                }
            }
            self
        }
    }

    fn two_line_zone() -> Zone {
        let l = |y| crate::rectify::LineGeom { x0: 20.0, y0: y, x1: 480.0, y1: y, height: 10.0, bow: 0.0 };
        Zone { lines: vec![l(100.0), l(117.0)] }
    }

    #[test]
    fn read_zone_repairs_and_checks() {
        let e = engine(TD3.to_vec());
        let p = Prepared::from_luma(image::GrayImage::from_pixel(500, 300, image::Luma([200])));
        let r = e.read_zone(&p, &two_line_zone()).unwrap().unwrap();
        assert!(r.repaired.document.is_valid());
        assert_eq!(r.failed_checks(), 0);
        assert!(r.acceptable());
    }

    /// A fake model that reads the two lines in turn, `run` strips each, every character with
    /// probability `p`.
    struct Unsure(&'static [&'static str; 2], f32, std::sync::atomic::AtomicUsize, usize);

    impl LineModel for Unsure {
        fn log_probs(&self, _strip: &Strip) -> Result<Vec<f32>, Error> {
            let i = self.2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            Ok(spell(self.0[(i / self.3) % 2], TIME_STEPS, NUM_CLASSES, self.1))
        }
    }

    #[test]
    fn a_reading_whose_checked_fields_are_guesswork_is_not_answered() {
        let p = Prepared::from_luma(image::GrayImage::from_pixel(500, 300, image::Luma([200])));
        for (prob, accepted) in [(0.9f32, true), (0.1, false)] {
            let e = Engine::with_model(Box::new(Unsure(&TD3, prob, 0.into(), 1))).with_today(Ymd::new(2026, 11, 30));
            let r = e.read_zone(&p, &two_line_zone()).unwrap().unwrap();
            assert_eq!(r.failed_checks(), 0, "the check digits hold at p {prob}");
            assert_eq!(r.acceptable(), accepted, "p {prob}: checked fields at {}", r.checked_field_confidence());
        }
    }

    /// A fake model that reads what its strip shows: the number of glyphs (dark runs along the
    /// strip's middle row), as the last that many characters of its line (the lines in turn,
    /// every character at `p`).
    struct Counts(&'static [&'static str; 2], f32, std::sync::atomic::AtomicUsize);

    impl LineModel for Counts {
        fn log_probs(&self, strip: &Strip) -> Result<Vec<f32>, Error> {
            let line = self.0[self.2.fetch_add(1, std::sync::atomic::Ordering::SeqCst) % 2];
            let row = &strip.data[16 * crate::rectify::STRIP_WIDTH..17 * crate::rectify::STRIP_WIDTH];
            let glyphs = row.windows(2).filter(|w| w[0] >= 0.5 && w[1] < 0.5).count() + usize::from(row[0] < 0.5);
            Ok(spell(&line[line.len() - glyphs.min(line.len())..], TIME_STEPS, NUM_CLASSES, self.1))
        }
    }

    /// Two lines of 44 glyph boxes (6 px wide, pitch 10 px, 10 px high) from x = 30, and the zone
    /// as found with its first six glyphs lost (from x = 90).
    fn cut_zone_image() -> (Prepared, Zone) {
        let img = image::GrayImage::from_fn(500, 300, |x, y| {
            let glyph = (30..470).contains(&x) && (x - 30) % 10 < 6 && ((95..105).contains(&y) || (112..122).contains(&y));
            image::Luma([if glyph { 30 } else { 200 }])
        });
        let l = |y| crate::rectify::LineGeom { x0: 90.0, y0: y, x1: 466.0, y1: y, height: 10.0, bow: 0.0 };
        (Prepared::from_luma(img), Zone { lines: vec![l(100.0), l(117.0)] })
    }

    #[test]
    fn a_zone_found_short_is_read_continued() {
        let (p, zone) = cut_zone_image();
        let e = Engine::with_model(Box::new(Counts(&TD3, 0.97, 0.into()))).with_today(Ymd::new(2026, 11, 30));
        // As found, the lines read short of any format.
        assert!(e.read_zone(&p, &zone).unwrap().is_none());
        let r = e.read_zone_extended(&p, &zone).unwrap().expect("continued, the lines read whole");
        assert_eq!(r.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), TD3);
        assert_eq!(r.failed_checks(), 0);
        // Lines without MRZ filler are not continued (not an MRZ) ...
        const PLAIN: [&str; 2] = ["ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQR", "0123456789012345678901234567890123456789ABCD"];
        let e = Engine::with_model(Box::new(Counts(&PLAIN, 0.97, 0.into()))).with_today(Ymd::new(2026, 11, 30));
        assert!(e.read_zone_extended(&p, &zone).unwrap().is_none());
        // ... and a continued reading of glyphs read at a few tenths each is not taken.
        let e = Engine::with_model(Box::new(Counts(&TD3, 0.5, 0.into()))).with_today(Ymd::new(2026, 11, 30));
        assert!(e.read_zone_extended(&p, &zone).unwrap().is_none());
    }

    /// A fake model that reads its lines in turn, the first character as `<` where the strip's
    /// first ink (along its middle row) lies within `margin` columns of its start: a glyph the
    /// line's found end cut into, squeezed against the strip's edge.
    struct CutFirst(&'static [&'static str; 2], usize, std::sync::atomic::AtomicUsize);

    impl LineModel for CutFirst {
        fn log_probs(&self, strip: &Strip) -> Result<Vec<f32>, Error> {
            let line = self.0[self.2.fetch_add(1, std::sync::atomic::Ordering::SeqCst) % 2];
            let row = &strip.data[16 * crate::rectify::STRIP_WIDTH..17 * crate::rectify::STRIP_WIDTH];
            let first_ink = row.iter().position(|&v| v < 0.5).unwrap_or(row.len());
            let text = if first_ink < self.1 { format!("<{}", &line[1..]) } else { line.to_owned() };
            Ok(spell(&text, TIME_STEPS, NUM_CLASSES, 0.97))
        }
    }

    #[test]
    fn a_glyph_cut_by_the_lines_found_start_is_read_with_the_ends_out() {
        // 44 glyph boxes a line from x = 30 (pitch 10); the lines found from the first glyph's
        // right edge (x = 36): a strip's margin of one height puts its ink 3 columns from the
        // start, and line 2's L reads as `<`, failing the document number's check digit.
        let (p, _) = cut_zone_image();
        let l = |y| crate::rectify::LineGeom { x0: 36.0, y0: y, x1: 466.0, y1: y, height: 10.0, bow: 0.0 };
        let zone = Zone { lines: vec![l(100.0), l(117.0)] };
        let e = Engine::with_model(Box::new(CutFirst(&TD3, 6, 0.into()))).with_today(Ymd::new(2026, 11, 30));
        assert!(e.read_zone(&p, &zone).unwrap().unwrap().failed_checks() > 0);
        // Out by half a pitch at the start, the strip holds the whole glyph: read, checks hold.
        let r = e.read_zone_settled(&p, &zone).unwrap().unwrap();
        assert_eq!(r.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), TD3);
        assert_eq!(r.failed_checks(), 0);
    }

    #[test]
    fn a_clean_reading_of_guesswork_does_not_end_the_search() {
        let p = Prepared::from_luma(image::GrayImage::from_pixel(500, 300, image::Luma([200])));
        let read = |prob: f32| {
            let e = Engine::with_model(Box::new(Unsure(&TD3, prob, 0.into(), 1))).with_today(Ymd::new(2026, 11, 30));
            e.read_zone(&p, &two_line_zone()).unwrap().unwrap()
        };
        let (guesswork, sure) = (read(0.1), read(0.9));
        assert!(guesswork.clean() && !guesswork.acceptable());
        let mut best = None;
        assert!(!keep_better(&mut best, guesswork.clone()), "guesswork does not stop the search");
        // A sure reading with a failing check digit outranks clean guesswork ...
        let mut one_failing = sure.clone();
        one_failing.repaired.document.checks[0].valid = false;
        assert!(one_failing.acceptable() && one_failing.rank() < guesswork.rank());
        assert!(!keep_better(&mut best, one_failing));
        assert_eq!(best.as_ref().unwrap().failed_checks(), 1);
        // ... and a clean, sure one ends it.
        assert!(keep_better(&mut best, sure));
        assert_eq!(best.unwrap().failed_checks(), 0);
    }

    #[test]
    fn varied_strips_read_the_zone_at_the_length_given() {
        let p = Prepared::from_luma(image::GrayImage::from_pixel(500, 300, image::Luma([200])));
        let e = Engine::with_model(Box::new(Unsure(&TD3, 0.5, 0.into(), 1))).with_today(Ymd::new(2026, 11, 30));
        let first = e.read_zone(&p, &two_line_zone()).unwrap().unwrap();
        // Five varied strips a line, the first line's first.
        let e = Engine::with_model(Box::new(Unsure(&TD3, 0.5, 0.into(), 5))).with_today(Ymd::new(2026, 11, 30));
        let v = e.read_zone_varied(&p, &two_line_zone(), 44).unwrap().unwrap();
        assert_eq!(v.lines[0].text, TD3[0]);
        assert_eq!(v.lines[1].text, TD3[1]);
        assert_eq!(v.failed_checks(), 0);
        assert!((v.min_confidence() - first.min_confidence()).abs() < 1e-4, "five alike readings average to one");
        // Laid out for another length, the lines do not read as 44 characters: no reading.
        let e = Engine::with_model(Box::new(Unsure(&TD3, 0.5, 0.into(), 5))).with_today(Ymd::new(2026, 11, 30));
        assert!(e.read_zone_varied(&p, &two_line_zone(), 30).unwrap().is_none());
    }

    #[test]
    fn wrong_line_lengths_are_not_a_zone() {
        let e = engine(vec!["P<UTOERIKSSON", "L898902C36UTO"]);
        let p = Prepared::from_luma(image::GrayImage::from_pixel(500, 300, image::Luma([200])));
        assert!(e.read_zone(&p, &two_line_zone()).unwrap().is_none());
    }

    #[test]
    fn relays_out_strips_for_the_length_read() {
        // The geometry suggests 44 characters, the model reads 36 on both lines: the engine
        // re-samples for 36 and accepts the TD2 zone.
        let td2 = ["I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"];
        let e = engine(td2.to_vec());
        let p = Prepared::from_luma(image::GrayImage::from_pixel(500, 300, image::Luma([200])));
        let r = e.read_zone(&p, &two_line_zone()).unwrap().unwrap();
        assert_eq!(r.repaired.document.format, Format::Td2);
    }

    #[test]
    fn dark_and_flat_frames_are_refused() {
        let e = engine(TD3.to_vec());
        let dark = Prepared::from_luma(image::GrayImage::from_fn(200, 100, |x, _| image::Luma([(x % 20) as u8])));
        assert_eq!(e.check_exposure(&dark).unwrap_err().api_code().code(), "AIS.0104");
        let flat = Prepared::from_luma(image::GrayImage::from_pixel(200, 100, image::Luma([128])));
        assert_eq!(e.check_exposure(&flat).unwrap_err().api_code().code(), "AIS.0105");
    }

    #[test]
    fn blank_image_has_no_zone() {
        let e = engine(TD3.to_vec());
        let img = image::DynamicImage::new_luma8(64, 64);
        let mut png = std::io::Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let code = e.recognize_bytes(png.get_ref(), Mode::Auto).unwrap_err().api_code().code();
        assert!(code == "AIS.0104" || code == "AIS.0105");
        assert_eq!(e.recognize_bytes(b"junk", Mode::Auto).unwrap_err().api_code().code(), "AIS.0102");
    }

    #[test]
    fn chars_per_line_by_shape() {
        assert_eq!(chars_per_line(3, 31.0), 30);
        assert_eq!(chars_per_line(2, 37.5), 36);
        assert_eq!(chars_per_line(2, 46.0), 44);
    }

    #[test]
    fn text_zone_to_result() {
        let (doc, result) = result_from_mrz(&TD3, Ymd::new(2026, 11, 30)).unwrap();
        assert!(doc.is_valid());
        let PassportResult::Mrz(r) = result else { panic!("MRZ shape expected") };
        assert_eq!(r.surname, "ERIKSSON");
        let checks = checks_json(&doc);
        assert_eq!(checks["composite"], true);
        assert_eq!(checks.as_object().unwrap().len(), 5);
    }
}
