//! The serial frame codec: pure, no I/O (the protocol is written down in `docs/serial-protocol.md`).
//!
//! On the wire a frame is
//!
//! ```text
//! STX | stuffed( type(1) | seq(1) | len(2, BE) | payload(len) | crc(2, BE) ) | ETX
//! ```
//!
//! where the CRC is CRC-16/CCITT-FALSE over `type..payload` and *stuffing* replaces each `STX`,
//! `ETX` or `DLE` byte of the body by `DLE, byte ^ 0x20`. A raw `STX` therefore only ever
//! starts a frame and a raw `ETX` only ever ends one, so the [`Decoder`] resynchronises on the
//! next `STX` after any garbage, and the length field and the CRC both have to agree before a
//! frame is accepted.
//!
//! Buffers are fixed-capacity ([`heapless`]): a peer that sends endless bytes without an `ETX`
//! gets [`DecodeError::Oversize`], never a growing buffer.

use heapless::Vec;

/// Start of frame.
pub const STX: u8 = 0x02;
/// End of frame.
pub const ETX: u8 = 0x03;
/// Escape: the next byte is the original XOR [`ESCAPE_XOR`].
pub const DLE: u8 = 0x10;
/// What an escaped byte is XORed with.
pub const ESCAPE_XOR: u8 = 0x20;

/// Largest payload of one frame. A reading's JSON is about 600 bytes, a Chinese one with hanzi
/// about 1.5 KB.
pub const MAX_PAYLOAD: usize = 4096;
/// type + seq + len.
pub const HEADER_LEN: usize = 4;
/// CRC bytes after the payload.
pub const CRC_LEN: usize = 2;
/// Largest unstuffed body (header, payload, CRC).
pub const MAX_BODY: usize = HEADER_LEN + MAX_PAYLOAD + CRC_LEN;
/// Largest frame on the wire: every body byte escaped, plus STX and ETX.
pub const MAX_WIRE: usize = 2 + 2 * MAX_BODY;

/// A frame as it goes on the wire.
pub type WireBuf = Vec<u8, MAX_WIRE>;

/// Frame types (one byte; printable ASCII so hex dumps read easily).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FrameType {
    /// Kiosk → controller, first frame after the kiosk process starts: forget the last sequence
    /// number (payload: JSON `{"protocol":1,"version":"…"}`).
    Hello,
    /// Kiosk → controller: one reading, the `KioskEvent::Reading` JSON line.
    Reading,
    /// Kiosk → controller: the latest guidance state, the `KioskEvent::Status` JSON line.
    Status,
    /// Kiosk → controller: liveness probe while idle (empty payload).
    Heartbeat,
    /// Controller → kiosk: the frame with this seq was received and acted on (empty payload).
    Ack,
    /// Controller → kiosk: the frame with this seq was refused; send it again (empty payload).
    Nak,
}

impl FrameType {
    pub const ALL: [FrameType; 6] =
        [FrameType::Hello, FrameType::Reading, FrameType::Status, FrameType::Heartbeat, FrameType::Ack, FrameType::Nak];

    pub const fn code(self) -> u8 {
        match self {
            FrameType::Hello => b'H',
            FrameType::Reading => b'R',
            FrameType::Status => b'S',
            FrameType::Heartbeat => b'B',
            FrameType::Ack => b'A',
            FrameType::Nak => b'N',
        }
    }

    pub fn from_code(code: u8) -> Option<FrameType> {
        FrameType::ALL.into_iter().find(|t| t.code() == code)
    }

    pub fn name(self) -> &'static str {
        match self {
            FrameType::Hello => "HELLO",
            FrameType::Reading => "READING",
            FrameType::Status => "STATUS",
            FrameType::Heartbeat => "HEARTBEAT",
            FrameType::Ack => "ACK",
            FrameType::Nak => "NAK",
        }
    }
}

/// A decoded frame, borrowing its payload from the decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame<'a> {
    pub kind: FrameType,
    pub seq: u8,
    pub payload: &'a [u8],
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("frame payload of {len} bytes exceeds the {MAX_PAYLOAD}-byte maximum")]
    PayloadTooLarge { len: usize },
}

/// Why bytes between an `STX` and an `ETX` were not a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The body is shorter than header + CRC.
    #[error("frame too short ({len} bytes)")]
    TooShort { len: usize },
    /// The length field disagrees with the bytes received.
    #[error("frame length field says {declared} bytes, {actual} received")]
    BadLength { declared: usize, actual: usize },
    /// CRC mismatch. `kind` and `seq` are as received and may themselves be damaged.
    #[error("frame CRC mismatch (type {kind:#04x}, seq {seq} as received)")]
    BadCrc { kind: u8, seq: u8 },
    /// CRC holds but the type code is not one of [`FrameType`].
    #[error("unknown frame type {code:#04x}")]
    UnknownType { code: u8, seq: u8 },
    /// More than [`MAX_BODY`] bytes without an `ETX`; bytes are dropped until the next `STX`.
    #[error("frame exceeds {MAX_BODY} bytes")]
    Oversize,
    /// An `STX` arrived inside a frame: the partial frame is dropped and a new one starts.
    #[error("frame cut short by a new STX")]
    Truncated,
    /// `DLE` followed by a byte that is not an escaped `STX`, `ETX` or `DLE`.
    #[error("invalid escape sequence")]
    BadEscape,
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection, no final XOR.
/// `crc16(b"123456789") == 0x29B1`.
pub fn crc16(data: &[u8]) -> u16 {
    crc16_update(0xFFFF, data)
}

/// Continues a CRC-16/CCITT-FALSE over more bytes.
pub fn crc16_update(mut crc: u16, data: &[u8]) -> u16 {
    for &b in data {
        crc ^= (b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

fn push_stuffed(out: &mut WireBuf, b: u8) {
    // Capacity is MAX_WIRE = 2 + 2 * MAX_BODY and the payload length is checked first, so the
    // pushes cannot fail; ignoring the result keeps the encoder panic-free regardless.
    if matches!(b, STX | ETX | DLE) {
        let _ = out.push(DLE);
        let _ = out.push(b ^ ESCAPE_XOR);
    } else {
        let _ = out.push(b);
    }
}

/// Encodes one frame into `out` (cleared first).
pub fn encode(kind: FrameType, seq: u8, payload: &[u8], out: &mut WireBuf) -> Result<(), EncodeError> {
    if payload.len() > MAX_PAYLOAD {
        return Err(EncodeError::PayloadTooLarge { len: payload.len() });
    }
    out.clear();
    let len = (payload.len() as u16).to_be_bytes();
    let header = [kind.code(), seq, len[0], len[1]];
    let crc = crc16_update(crc16(&header), payload).to_be_bytes();
    let _ = out.push(STX);
    for &b in header.iter().chain(payload).chain(&crc) {
        push_stuffed(out, b);
    }
    let _ = out.push(ETX);
    Ok(())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Discarding bytes until an STX.
    Hunt,
    InFrame,
    /// Inside a frame, after a DLE.
    Escape,
}

/// Streaming decoder: feed it bytes as they arrive, one at a time.
pub struct Decoder {
    state: State,
    body: Vec<u8, MAX_BODY>,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl Decoder {
    pub const fn new() -> Decoder {
        Decoder { state: State::Hunt, body: Vec::new() }
    }

    /// Forgets any partial frame (e.g. after the port was reopened).
    pub fn reset(&mut self) {
        self.state = State::Hunt;
        self.body.clear();
    }

    /// Feeds one byte. Returns a frame when `b` completes a valid one, an error when it ends
    /// (or proves wrong) a damaged one, and `None` otherwise.
    pub fn push(&mut self, b: u8) -> Option<Result<Frame<'_>, DecodeError>> {
        match self.state {
            State::Hunt => {
                if b == STX {
                    self.body.clear();
                    self.state = State::InFrame;
                }
                None
            }
            State::InFrame => match b {
                STX => {
                    self.body.clear();
                    Some(Err(DecodeError::Truncated))
                }
                ETX => {
                    self.state = State::Hunt;
                    Some(self.finish())
                }
                DLE => {
                    self.state = State::Escape;
                    None
                }
                _ => self.store(b),
            },
            State::Escape => {
                let orig = b ^ ESCAPE_XOR;
                if matches!(orig, STX | ETX | DLE) {
                    self.state = State::InFrame;
                    self.store(orig)
                } else if b == STX {
                    // A fresh frame starts right here.
                    self.body.clear();
                    self.state = State::InFrame;
                    Some(Err(DecodeError::BadEscape))
                } else {
                    self.state = State::Hunt;
                    Some(Err(DecodeError::BadEscape))
                }
            }
        }
    }

    fn store(&mut self, b: u8) -> Option<Result<Frame<'_>, DecodeError>> {
        if self.body.push(b).is_err() {
            self.body.clear();
            self.state = State::Hunt;
            return Some(Err(DecodeError::Oversize));
        }
        None
    }

    fn finish(&self) -> Result<Frame<'_>, DecodeError> {
        let body = &self.body[..];
        if body.len() < HEADER_LEN + CRC_LEN {
            return Err(DecodeError::TooShort { len: body.len() });
        }
        let (code, seq) = (body[0], body[1]);
        let declared = u16::from_be_bytes([body[2], body[3]]) as usize;
        let actual = body.len() - HEADER_LEN - CRC_LEN;
        let (data, crc) = body.split_at(body.len() - CRC_LEN);
        if crc16(data) != u16::from_be_bytes([crc[0], crc[1]]) {
            return Err(DecodeError::BadCrc { kind: code, seq });
        }
        if declared != actual {
            return Err(DecodeError::BadLength { declared, actual });
        }
        let kind = FrameType::from_code(code).ok_or(DecodeError::UnknownType { code, seq })?;
        Ok(Frame { kind, seq, payload: &data[HEADER_LEN..] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A decoded frame, owned, for comparisons.
    #[derive(Debug, PartialEq, Eq)]
    struct Owned {
        kind: FrameType,
        seq: u8,
        payload: std::vec::Vec<u8>,
    }

    fn decode_all(bytes: &[u8]) -> (std::vec::Vec<Owned>, std::vec::Vec<DecodeError>) {
        let mut d = Decoder::new();
        let (mut frames, mut errors) = (std::vec::Vec::new(), std::vec::Vec::new());
        for &b in bytes {
            match d.push(b) {
                Some(Ok(f)) => frames.push(Owned { kind: f.kind, seq: f.seq, payload: f.payload.to_vec() }),
                Some(Err(e)) => errors.push(e),
                None => {}
            }
        }
        (frames, errors)
    }

    fn wire(kind: FrameType, seq: u8, payload: &[u8]) -> std::vec::Vec<u8> {
        let mut out = WireBuf::new();
        encode(kind, seq, payload, &mut out).unwrap();
        out.to_vec()
    }

    #[test]
    fn crc_test_vector() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
        assert_eq!(crc16(b""), 0xFFFF);
        assert_eq!(crc16_update(crc16(b"1234"), b"56789"), 0x29B1);
    }

    #[test]
    fn type_codes_roundtrip() {
        for t in FrameType::ALL {
            assert_eq!(FrameType::from_code(t.code()), Some(t));
        }
        assert_eq!(FrameType::from_code(b'Z'), None);
    }

    #[test]
    fn ack_frame_layout() {
        // ACK seq 5: 'A' 05 00 00, CRC, no byte needs escaping.
        let w = wire(FrameType::Ack, 5, b"");
        let crc = crc16(&[b'A', 5, 0, 0]).to_be_bytes();
        assert_eq!(w, [STX, b'A', 5, 0, 0, crc[0], crc[1], ETX]);
    }

    #[test]
    fn special_bytes_are_escaped() {
        // seq 2 (= STX) and a payload of STX ETX DLE.
        let w = wire(FrameType::Reading, STX, &[STX, ETX, DLE]);
        assert_eq!(w.iter().filter(|&&b| b == STX).count(), 1);
        assert_eq!(w.iter().filter(|&&b| b == ETX).count(), 1);
        assert_eq!(&w[..5], &[STX, b'R', DLE, STX ^ 0x20, 0]);
        let (frames, errors) = decode_all(&w);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(frames, vec![Owned { kind: FrameType::Reading, seq: STX, payload: vec![STX, ETX, DLE] }]);
    }

    /// The status frame shown in docs/serial-protocol.md, byte for byte.
    #[test]
    fn documented_status_frame() {
        let payload = br#"{"event":"status","state":"hold_still","frame":7}"#;
        let w = wire(FrameType::Status, 3, payload);
        let hex: std::vec::Vec<String> = w.iter().map(|b| format!("{b:02X}")).collect();
        let crc = crc16_update(crc16(&[b'S', 3, 0, 0x31]), payload);
        assert_eq!(crc, 0xE862, "update docs/serial-protocol.md if this changes");
        assert_eq!(
            hex.join(" "),
            "02 53 10 23 00 31 7B 22 65 76 65 6E 74 22 3A 22 73 74 61 74 75 73 22 2C 22 73 74 61 74 65 22 3A \
             22 68 6F 6C 64 5F 73 74 69 6C 6C 22 2C 22 66 72 61 6D 65 22 3A 37 7D E8 62 03"
        );
    }

    #[test]
    fn max_payload_roundtrips_and_larger_is_refused() {
        let payload = vec![DLE; MAX_PAYLOAD];
        let w = wire(FrameType::Reading, 0, &payload);
        assert!(w.len() <= MAX_WIRE);
        let (frames, errors) = decode_all(&w);
        assert!(errors.is_empty());
        assert_eq!(frames[0].payload, payload);
        let mut out = WireBuf::new();
        assert_eq!(
            encode(FrameType::Reading, 0, &vec![0; MAX_PAYLOAD + 1], &mut out),
            Err(EncodeError::PayloadTooLarge { len: MAX_PAYLOAD + 1 })
        );
    }

    #[test]
    fn bad_crc_reports_seq() {
        let mut w = wire(FrameType::Reading, 9, b"{\"a\":1}");
        w[6] ^= 0x01;
        let (frames, errors) = decode_all(&w);
        assert!(frames.is_empty());
        assert_eq!(errors, vec![DecodeError::BadCrc { kind: b'R', seq: 9 }]);
    }

    /// A frame around an arbitrary header and payload, with a correct CRC, stuffed.
    fn raw_frame(header_and_payload: &[u8]) -> std::vec::Vec<u8> {
        let mut body = header_and_payload.to_vec();
        body.extend(crc16(header_and_payload).to_be_bytes());
        let mut w = vec![STX];
        for b in body {
            if matches!(b, STX | ETX | DLE) {
                w.extend([DLE, b ^ ESCAPE_XOR]);
            } else {
                w.push(b);
            }
        }
        w.push(ETX);
        w
    }

    #[test]
    fn length_field_and_unknown_type_are_checked() {
        // Valid CRC but a length field that lies.
        let (f, e) = decode_all(&raw_frame(&[b'A', 1, 0, 5]));
        assert!(f.is_empty());
        assert_eq!(e, vec![DecodeError::BadLength { declared: 5, actual: 0 }]);
        let (f, e) = decode_all(&raw_frame(&[b'A', 1, 0, 0, b'x']));
        assert_eq!((f.len(), e), (0, vec![DecodeError::BadLength { declared: 0, actual: 1 }]));
        let (f, e) = decode_all(&raw_frame(&[b'Z', 1, 0, 0]));
        assert!(f.is_empty());
        assert_eq!(e, vec![DecodeError::UnknownType { code: b'Z', seq: 1 }]);
        let (f, e) = decode_all(&[STX, b'A', ETX]);
        assert!(f.is_empty());
        assert_eq!(e, vec![DecodeError::TooShort { len: 1 }]);
        // The helper agrees with the encoder.
        assert_eq!(raw_frame(&[b'R', STX, 0, 3, STX, ETX, DLE]), wire(FrameType::Reading, STX, &[STX, ETX, DLE]));
    }

    #[test]
    fn oversize_frame_is_dropped_and_decoder_recovers() {
        let mut bytes = vec![STX];
        bytes.extend(std::iter::repeat_n(b'x', MAX_BODY + 100));
        bytes.push(ETX);
        bytes.extend(wire(FrameType::Ack, 7, b""));
        let (frames, errors) = decode_all(&bytes);
        assert_eq!(errors, vec![DecodeError::Oversize]);
        assert_eq!(frames, vec![Owned { kind: FrameType::Ack, seq: 7, payload: vec![] }]);
    }

    #[test]
    fn truncated_frame_and_bad_escape_resync() {
        let mut bytes = vec![STX, b'R', 1, 0];
        bytes.extend(wire(FrameType::Ack, 1, b""));
        bytes.extend([STX, b'A', DLE, b'q']);
        bytes.extend(wire(FrameType::Nak, 2, b""));
        bytes.extend([STX, b'A', DLE]);
        bytes.extend(wire(FrameType::Ack, 3, b""));
        let (frames, errors) = decode_all(&bytes);
        assert_eq!(errors, vec![DecodeError::Truncated, DecodeError::BadEscape, DecodeError::BadEscape]);
        let seqs: std::vec::Vec<(FrameType, u8)> = frames.iter().map(|f| (f.kind, f.seq)).collect();
        assert_eq!(seqs, vec![(FrameType::Ack, 1), (FrameType::Nak, 2), (FrameType::Ack, 3)]);
    }

    /// Payload bytes biased towards the framing bytes.
    fn payload_strategy() -> impl Strategy<Value = std::vec::Vec<u8>> {
        proptest::collection::vec(prop_oneof![Just(STX), Just(ETX), Just(DLE), any::<u8>()], 0..700)
    }

    fn kind_strategy() -> impl Strategy<Value = FrameType> {
        proptest::sample::select(FrameType::ALL.to_vec())
    }

    proptest! {
        #[test]
        fn roundtrip(kind in kind_strategy(), seq in any::<u8>(), payload in payload_strategy()) {
            let w = wire(kind, seq, &payload);
            prop_assert_eq!(w.iter().filter(|&&b| b == STX).count(), 1);
            prop_assert_eq!(w.iter().filter(|&&b| b == ETX).count(), 1);
            let (frames, errors) = decode_all(&w);
            prop_assert!(errors.is_empty());
            prop_assert_eq!(frames, vec![Owned { kind, seq, payload }]);
        }

        #[test]
        fn resync_after_garbage(
            garbage in proptest::collection::vec(prop_oneof![Just(STX), Just(ETX), Just(DLE), any::<u8>()], 0..300),
            kind in kind_strategy(), seq in any::<u8>(), payload in payload_strategy(),
        ) {
            let mut bytes = garbage;
            bytes.extend(wire(kind, seq, &payload));
            let (frames, _) = decode_all(&bytes);
            prop_assert_eq!(frames, vec![Owned { kind, seq, payload }]);
        }

        #[test]
        fn corrupted_byte_never_yields_a_frame(
            kind in kind_strategy(), seq in any::<u8>(), payload in payload_strategy(),
            pos in any::<prop::sample::Index>(), flip in 1u8..=255,
        ) {
            let mut w = wire(kind, seq, &payload);
            let i = pos.index(w.len());
            w[i] ^= flip;
            let (frames, _) = decode_all(&w);
            prop_assert!(frames.is_empty(), "corruption at {} gave {:?}", i, frames);
            // …and the decoder still takes the next good frame.
            let mut more = w.clone();
            more.extend(wire(FrameType::Ack, 1, b""));
            let (frames, _) = decode_all(&more);
            prop_assert_eq!(frames.last(), Some(&Owned { kind: FrameType::Ack, seq: 1, payload: vec![] }));
        }
    }
}
