//! Detects, decodes and encodes the compression of corpus streams (plain, gzip, zstd).

use std::io::{self, BufRead, BufReader, Read, Write};
use std::mem;
use std::ops::RangeInclusive;
use std::path::Path;

use flate2::Compression;
use flate2::bufread::GzDecoder;
use flate2::write::GzEncoder;

/// Buffer size on both sides of a decoder: corpora are many GB, so few large reads beat many small ones.
const BUF_CAPACITY: usize = 1 << 20;

/// The gzip magic and its one defined compression method (deflate), so that a text
/// that merely starts with the two magic bytes is not taken for gzip.
const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// Default gzip level, zlib's own balance of speed and size.
pub const DEFAULT_GZIP_LEVEL: i32 = 6;
/// Default zstd level, the zstd command line's default.
pub const DEFAULT_ZSTD_LEVEL: i32 = 3;
const GZIP_LEVELS: RangeInclusive<i32> = 0..=9;
const ZSTD_LEVELS: RangeInclusive<i32> = 1..=22;

/// A compression format of an input or output stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// No compression.
    Plain,
    /// gzip (RFC 1952); input may hold several concatenated members.
    Gzip,
    /// Zstandard; input may hold several concatenated frames.
    Zstd,
}

/// Whether input is decompressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Decompress {
    /// Decode gzip and zstd, recognised by their magic bytes (the default).
    #[default]
    Auto,
    /// Read every input as it is, whatever its first bytes.
    None,
}

/// Identifies the codec of a stream from its first bytes (at least 4 for zstd), ignoring any file name.
pub fn sniff(prefix: &[u8]) -> Codec {
    if prefix.starts_with(&GZIP_MAGIC) {
        Codec::Gzip
    } else if prefix.starts_with(&ZSTD_MAGIC) || zstd_skippable(prefix) {
        Codec::Zstd
    } else {
        Codec::Plain
    }
}

/// True if `prefix` starts with the magic of a zstd skippable frame (`0x184D2A50` to
/// `0x184D2A5F`, little-endian), which a zstd stream may open with (metadata, a seek
/// table) before its first data frame.
fn zstd_skippable(prefix: &[u8]) -> bool {
    matches!(prefix, [first, 0x2a, 0x4d, 0x18, ..] if first & 0xf0 == 0x50)
}

/// Picks the output codec from a file name: `.gz` is gzip, `.zst`/`.zstd` is zstd (any case), anything else plain.
pub fn codec_for_path(path: &Path) -> Codec {
    let extension = path
        .extension()
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase());
    match extension.as_deref() {
        Some("gz") => Codec::Gzip,
        Some("zst" | "zstd") => Codec::Zstd,
        _ => Codec::Plain,
    }
}

/// Sniffs the codec of `reader` and returns it with a buffered reader of the decoded bytes.
///
/// Gzip input may hold many members (Common Crawl writes one per record) and zstd input many
/// frames; all are decoded in sequence. Zero bytes after the last gzip member (padding, as
/// tape and some archivers write) are ignored, as `gzip -d` does. A truncated or corrupt
/// stream is reported as an `io::Error` from the returned reader, never as a silently
/// short read.
pub fn open(reader: impl Read + Send + 'static) -> io::Result<(Codec, Box<dyn BufRead + Send>)> {
    open_with(reader, Decompress::Auto)
}

/// [`open`], or with [`Decompress::None`] the bytes as they are (codec `Plain`).
pub fn open_with(
    mut reader: impl Read + Send + 'static,
    decompress: Decompress,
) -> io::Result<(Codec, Box<dyn BufRead + Send>)> {
    if decompress == Decompress::None {
        return Ok((
            Codec::Plain,
            Box::new(BufReader::with_capacity(BUF_CAPACITY, reader)),
        ));
    }
    // Read the magic bytes with a loop rather than one `fill_buf`: a pipe may hand over fewer
    // than 4 bytes in its first read, which would make a zstd stream look like plain text.
    let mut prefix = Vec::with_capacity(ZSTD_MAGIC.len());
    reader
        .by_ref()
        .take(ZSTD_MAGIC.len() as u64)
        .read_to_end(&mut prefix)?;
    let codec = sniff(&prefix);
    let input = BufReader::with_capacity(BUF_CAPACITY, io::Cursor::new(prefix).chain(reader));
    let decoded: Box<dyn BufRead + Send> = match codec {
        Codec::Plain => Box::new(input),
        Codec::Gzip => Box::new(BufReader::with_capacity(
            BUF_CAPACITY,
            GzipMembers::new(input),
        )),
        Codec::Zstd => Box::new(BufReader::with_capacity(
            BUF_CAPACITY,
            zstd::stream::read::Decoder::with_buffer(input)?,
        )),
    };
    Ok((codec, decoded))
}

/// Decodes gzip members one after another, like flate2's `MultiGzDecoder`, and ends
/// quietly at zero bytes that run to the end of the input (padding); any other bytes after
/// a member must start another member.
struct GzipMembers<R: BufRead> {
    /// `None` once the stream has ended.
    member: Option<GzDecoder<R>>,
}

impl<R: BufRead> GzipMembers<R> {
    fn new(input: R) -> Self {
        Self {
            member: Some(GzDecoder::new(input)),
        }
    }
}

impl<R: BufRead> Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = &mut self.member else {
                return Ok(0);
            };
            let read = member.read(buf)?;
            if read > 0 || buf.is_empty() {
                return Ok(read);
            }
            // The member has ended; the decoder took exactly its bytes from the input.
            let Some(mut input) = self.member.take().map(GzDecoder::into_inner) else {
                return Ok(0);
            };
            match fill_buf_retrying(&mut input)?.first() {
                None => return Ok(0),
                Some(0) => {
                    skip_zero_padding(&mut input)?;
                    return Ok(0);
                }
                Some(_) => self.member = Some(GzDecoder::new(input)),
            }
        }
    }
}

/// Consumes zero bytes to the end of `input`; a non-zero byte among them is an error.
fn skip_zero_padding(input: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buf = fill_buf_retrying(input)?;
        if buf.is_empty() {
            return Ok(());
        }
        let zeros = buf.iter().take_while(|&&b| b == 0).count();
        let done = zeros < buf.len();
        input.consume(zeros);
        if done {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "data after the zero padding that follows the last gzip member",
            ));
        }
    }
}

/// `fill_buf`, retrying on `Interrupted` as std's own read helpers do.
pub(crate) fn fill_buf_retrying(reader: &mut impl BufRead) -> io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
            // Asking again returns the buffered bytes without reading; returning `buf` directly
            // from inside the loop is rejected by the borrow checker.
            Ok(_) => return reader.fill_buf(),
        }
    }
}

/// A compressing writer for one output stream.
///
/// Call [`Encoder::finish`] at the end: it writes the stream's final bytes and reports their
/// errors. Dropping an encoder unfinished writes nothing more, leaving a truncated stream.
pub struct Encoder<W: Write> {
    sink: Sink<W>,
}

enum Sink<W: Write> {
    Plain(W),
    Gzip(GzipWriter<W>),
    Zstd(zstd::stream::write::Encoder<'static, W>),
}

impl<W: Write> Encoder<W> {
    /// Starts a stream on `inner` compressed with `codec`.
    ///
    /// `level` defaults to [`DEFAULT_GZIP_LEVEL`] (6, range 0–9) for gzip and
    /// [`DEFAULT_ZSTD_LEVEL`] (3, range 1–22) for zstd. A level outside the range, or any level
    /// for plain output (where it could only be a mistake), is an `InvalidInput` error.
    pub fn new(inner: W, codec: Codec, level: Option<i32>) -> io::Result<Self> {
        let sink = match codec {
            Codec::Plain => match level {
                None => Sink::Plain(inner),
                Some(level) => {
                    return Err(invalid_level(format!(
                        "compression level {level} given for uncompressed output"
                    )));
                }
            },
            Codec::Gzip => {
                let level = checked_level("gzip", level, DEFAULT_GZIP_LEVEL, GZIP_LEVELS)?;
                Sink::Gzip(GzipWriter::new(
                    inner,
                    Compression::new(level.unsigned_abs()),
                ))
            }
            Codec::Zstd => {
                let level = checked_level("zstd", level, DEFAULT_ZSTD_LEVEL, ZSTD_LEVELS)?;
                let mut encoder = zstd::stream::write::Encoder::new(inner, level)?;
                // A frame checksum lets readers detect corruption, as the zstd command line does.
                encoder.include_checksum(true)?;
                Sink::Zstd(encoder)
            }
        };
        Ok(Self { sink })
    }

    /// Ends the current gzip member; the next write starts a new one.
    ///
    /// This lets a WARC writer emit one member per record, as Common Crawl does, so the output
    /// can be indexed and read from any record. Calling it again before writing adds no empty
    /// member. For zstd and plain output it does nothing: per-record zstd frames would cost
    /// compression ratio for no reader that needs them.
    pub fn end_member(&mut self) -> io::Result<()> {
        match &mut self.sink {
            Sink::Gzip(members) => members.end_member(),
            Sink::Plain(_) | Sink::Zstd(_) => Ok(()),
        }
    }

    /// Writes the end of the stream, flushes, and returns the inner writer.
    pub fn finish(self) -> io::Result<W> {
        let mut inner = match self.sink {
            Sink::Plain(inner) => inner,
            Sink::Gzip(members) => members.finish()?,
            Sink::Zstd(encoder) => encoder.finish()?,
        };
        inner.flush()?;
        Ok(inner)
    }

    fn writer(&mut self) -> &mut dyn Write {
        match &mut self.sink {
            Sink::Plain(inner) => inner,
            Sink::Gzip(members) => members,
            Sink::Zstd(encoder) => encoder,
        }
    }
}

impl<W: Write> Write for Encoder<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer().write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.writer().flush()
    }
}

fn checked_level(
    codec: &str,
    level: Option<i32>,
    default: i32,
    range: RangeInclusive<i32>,
) -> io::Result<i32> {
    let level = level.unwrap_or(default);
    if range.contains(&level) {
        Ok(level)
    } else {
        Err(invalid_level(format!(
            "{codec} compression level {level} is out of range ({} to {})",
            range.start(),
            range.end()
        )))
    }
}

fn invalid_level(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// A gzip stream made of members that can be ended on demand.
///
/// flate2's `GzEncoder` can only end a member by consuming its writer, so each member is
/// compressed into a staging buffer that is drained into `out` after every call; that keeps
/// `out` owned here and the staging buffer small.
struct GzipWriter<W: Write> {
    out: W,
    member: GzEncoder<Vec<u8>>,
    level: Compression,
    /// Whether `member` has received data, so ending it twice emits no empty member.
    member_has_data: bool,
    /// Whether a member was already written, so `finish` emits an empty member only when the
    /// whole stream would otherwise be empty (zero bytes is not valid gzip).
    wrote_member: bool,
}

impl<W: Write> GzipWriter<W> {
    fn new(out: W, level: Compression) -> Self {
        Self {
            out,
            member: GzEncoder::new(Vec::new(), level),
            level,
            member_has_data: false,
            wrote_member: false,
        }
    }

    fn end_member(&mut self) -> io::Result<()> {
        if !self.member_has_data {
            return Ok(());
        }
        let member = mem::replace(&mut self.member, GzEncoder::new(Vec::new(), self.level));
        self.out.write_all(&member.finish()?)?;
        self.member_has_data = false;
        self.wrote_member = true;
        Ok(())
    }

    fn finish(mut self) -> io::Result<W> {
        if self.member_has_data || !self.wrote_member {
            self.out.write_all(&self.member.finish()?)?;
        }
        Ok(self.out)
    }

    fn drain(&mut self) -> io::Result<()> {
        self.out.write_all(self.member.get_ref())?;
        self.member.get_mut().clear();
        Ok(())
    }
}

impl<W: Write> Write for GzipWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.member.write(buf)?;
        self.member_has_data |= written > 0;
        self.drain()?;
        Ok(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.member.flush()?;
        self.drain()?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::bufread::GzDecoder;

    fn sample() -> Vec<u8> {
        (0..50_000u32)
            .flat_map(|i| format!("line {i} of the sample\n").into_bytes())
            .collect()
    }

    fn encode(codec: Codec, level: Option<i32>, data: &[u8]) -> Vec<u8> {
        let mut encoder = Encoder::new(Vec::new(), codec, level).unwrap();
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    fn decode(bytes: Vec<u8>) -> (Codec, io::Result<Vec<u8>>) {
        let (codec, mut reader) = open(io::Cursor::new(bytes)).unwrap();
        let mut out = Vec::new();
        let result = reader.read_to_end(&mut out).map(|_| out);
        (codec, result)
    }

    /// Decodes `bytes` one gzip member at a time with a single-member decoder.
    fn gzip_members(mut bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut members = Vec::new();
        while !bytes.is_empty() {
            let mut decoder = GzDecoder::new(bytes);
            let mut member = Vec::new();
            decoder.read_to_end(&mut member).unwrap();
            members.push(member);
            bytes = decoder.into_inner();
        }
        members
    }

    #[test]
    fn every_codec_round_trips() {
        let data = sample();
        for codec in [Codec::Plain, Codec::Gzip, Codec::Zstd] {
            let encoded = encode(codec, None, &data);
            assert_eq!(sniff(&encoded), codec);
            let (sniffed, decoded) = decode(encoded);
            assert_eq!(sniffed, codec);
            assert_eq!(decoded.unwrap(), data, "{codec:?}");
        }
    }

    #[test]
    fn zstd_that_opens_with_a_skippable_frame_is_zstd() {
        let data = sample();
        for magic in [0x184D_2A50_u32, 0x184D_2A5F] {
            let mut encoded = magic.to_le_bytes().to_vec();
            encoded.extend(3u32.to_le_bytes());
            encoded.extend(b"abc");
            encoded.extend(encode(Codec::Zstd, None, &data));
            let (sniffed, decoded) = decode(encoded);
            assert_eq!(sniffed, Codec::Zstd);
            assert_eq!(decoded.unwrap(), data);
        }
        assert_eq!(
            sniff(b"p*M\x18"),
            Codec::Plain,
            "a first byte outside 0x50..=0x5F"
        );
    }

    #[test]
    fn explicit_levels_round_trip() {
        let data = sample();
        for (codec, level) in [
            (Codec::Gzip, 0),
            (Codec::Gzip, 9),
            (Codec::Zstd, 1),
            (Codec::Zstd, 19),
        ] {
            assert_eq!(decode(encode(codec, Some(level), &data)).1.unwrap(), data);
        }
    }

    #[test]
    fn empty_streams_round_trip() {
        for codec in [Codec::Plain, Codec::Gzip, Codec::Zstd] {
            let encoded = encode(codec, None, b"");
            assert_eq!(decode(encoded).1.unwrap(), b"", "{codec:?}");
        }
        assert_eq!(gzip_members(&encode(Codec::Gzip, None, b"")).len(), 1);
    }

    #[test]
    fn concatenated_gzip_members_decode_fully() {
        let mut both = encode(Codec::Gzip, None, b"first member\n");
        both.extend(encode(Codec::Gzip, None, b"second member\n"));
        assert_eq!(decode(both).1.unwrap(), b"first member\nsecond member\n");
    }

    #[test]
    fn concatenated_zstd_frames_decode_fully() {
        let mut both = encode(Codec::Zstd, None, b"first frame\n");
        both.extend(encode(Codec::Zstd, None, b"second frame\n"));
        assert_eq!(decode(both).1.unwrap(), b"first frame\nsecond frame\n");
    }

    #[test]
    fn end_member_starts_one_gzip_member_per_call() {
        let mut encoder = Encoder::new(Vec::new(), Codec::Gzip, None).unwrap();
        for record in ["one\n", "two\n", "three\n"] {
            encoder.write_all(record.as_bytes()).unwrap();
            encoder.end_member().unwrap();
            // A second call without data in between must not add an empty member.
            encoder.end_member().unwrap();
        }
        let encoded = encoder.finish().unwrap();
        assert_eq!(
            gzip_members(&encoded),
            [&b"one\n"[..], b"two\n", b"three\n"]
        );
        assert_eq!(decode(encoded).1.unwrap(), b"one\ntwo\nthree\n");
    }

    #[test]
    fn data_after_the_last_end_member_gets_its_own_member() {
        let mut encoder = Encoder::new(Vec::new(), Codec::Gzip, None).unwrap();
        encoder.write_all(b"a").unwrap();
        encoder.end_member().unwrap();
        encoder.write_all(b"b").unwrap();
        let encoded = encoder.finish().unwrap();
        assert_eq!(gzip_members(&encoded), [b"a", b"b"]);
    }

    #[test]
    fn end_member_is_a_no_op_for_plain_and_zstd() {
        for codec in [Codec::Plain, Codec::Zstd] {
            let mut encoder = Encoder::new(Vec::new(), codec, None).unwrap();
            encoder.write_all(b"a").unwrap();
            encoder.end_member().unwrap();
            encoder.write_all(b"b").unwrap();
            assert_eq!(decode(encoder.finish().unwrap()).1.unwrap(), b"ab");
        }
    }

    #[test]
    fn flush_keeps_the_stream_decodable() {
        let mut encoder = Encoder::new(Vec::new(), Codec::Gzip, None).unwrap();
        encoder.write_all(b"before flush ").unwrap();
        encoder.flush().unwrap();
        encoder.write_all(b"after flush").unwrap();
        assert_eq!(
            decode(encoder.finish().unwrap()).1.unwrap(),
            b"before flush after flush"
        );
    }

    #[test]
    fn truncated_streams_are_errors() {
        let data = sample();
        for codec in [Codec::Gzip, Codec::Zstd] {
            let encoded = encode(codec, None, &data);
            for cut in [encoded.len() - 1, encoded.len() - 8, encoded.len() / 2, 10] {
                let (_, result) = decode(encoded[..cut].to_vec());
                let error = result.expect_err(&format!("{codec:?} cut at {cut}"));
                assert_eq!(
                    error.kind(),
                    io::ErrorKind::UnexpectedEof,
                    "{codec:?} cut at {cut}: {error}"
                );
            }
        }
    }

    #[test]
    fn zero_padding_after_the_last_gzip_member_is_ignored() {
        let mut padded = encode(Codec::Gzip, None, b"first member\n");
        padded.extend(encode(Codec::Gzip, None, b"second member\n"));
        padded.extend([0; 5000]);
        assert_eq!(
            decode(padded.clone()).1.unwrap(),
            b"first member\nsecond member\n"
        );
        padded.push(b'x');
        assert_eq!(
            decode(padded).1.unwrap_err().kind(),
            io::ErrorKind::InvalidData
        );
    }

    #[test]
    fn decompress_none_reads_gzip_magic_as_text() {
        let bytes = [&[0x1f, 0x8b, 0x08][..], b" text\n"].concat();
        let (codec, mut reader) =
            open_with(io::Cursor::new(bytes.clone()), Decompress::None).unwrap();
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!((codec, out), (Codec::Plain, bytes));
        // Two magic bytes without the deflate method byte are not gzip either.
        let (codec, result) = decode(b"\x1f\x8b text".to_vec());
        assert_eq!(
            (codec, result.unwrap()),
            (Codec::Plain, b"\x1f\x8b text".to_vec())
        );
    }

    #[test]
    fn truncated_second_gzip_member_is_an_error() {
        let mut both = encode(Codec::Gzip, None, b"first member\n");
        let second = encode(Codec::Gzip, None, b"second member\n");
        both.extend(&second[..second.len() - 3]);
        assert!(decode(both).1.is_err());
    }

    #[test]
    fn magic_bytes_decide_not_the_name() {
        assert_eq!(sniff(&[0x1f, 0x8b, 8, 0]), Codec::Gzip);
        assert_eq!(sniff(&ZSTD_MAGIC), Codec::Zstd);
        assert_eq!(sniff(&ZSTD_MAGIC[..3]), Codec::Plain);
        assert_eq!(sniff(b"{\"text\": 1}"), Codec::Plain);
        assert_eq!(sniff(b""), Codec::Plain);
    }

    #[test]
    fn short_first_reads_still_detect_zstd() {
        /// Hands out one byte per read, like a slow pipe.
        struct Trickle(io::Cursor<Vec<u8>>);
        impl Read for Trickle {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let end = buf.len().min(1);
                self.0.read(&mut buf[..end])
            }
        }
        let encoded = encode(Codec::Zstd, None, b"trickled");
        let (codec, mut reader) = open(Trickle(io::Cursor::new(encoded))).unwrap();
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        assert_eq!((codec, &out[..]), (Codec::Zstd, &b"trickled"[..]));
    }

    #[test]
    fn plain_input_shorter_than_the_magic_is_kept() {
        let (codec, result) = decode(b"ab".to_vec());
        assert_eq!((codec, result.unwrap()), (Codec::Plain, b"ab".to_vec()));
    }

    #[test]
    fn codec_follows_the_extension() {
        for (name, codec) in [
            ("a.jsonl.gz", Codec::Gzip),
            ("a.warc.wet.GZ", Codec::Gzip),
            ("a.jsonl.zst", Codec::Zstd),
            ("a.zstd", Codec::Zstd),
            ("a.jsonl", Codec::Plain),
            ("gz", Codec::Plain),
        ] {
            assert_eq!(codec_for_path(Path::new(name)), codec, "{name}");
        }
    }

    #[test]
    fn out_of_range_levels_are_rejected() {
        for (codec, level, message) in [
            (
                Codec::Gzip,
                10,
                "gzip compression level 10 is out of range (0 to 9)",
            ),
            (
                Codec::Gzip,
                -1,
                "gzip compression level -1 is out of range (0 to 9)",
            ),
            (
                Codec::Zstd,
                0,
                "zstd compression level 0 is out of range (1 to 22)",
            ),
            (
                Codec::Zstd,
                23,
                "zstd compression level 23 is out of range (1 to 22)",
            ),
            (
                Codec::Plain,
                3,
                "compression level 3 given for uncompressed output",
            ),
        ] {
            let error = Encoder::new(Vec::new(), codec, Some(level)).err().unwrap();
            assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
            assert_eq!(error.to_string(), message);
        }
    }
}
