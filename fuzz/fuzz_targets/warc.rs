//! Any bytes as a WARC stream: reading never panics, and writing every record back
//! unchanged (including the unsplittable rest after a malformed record, and the parts of
//! a record over the size limit, which is small here) reproduces the input byte for byte.

#![no_main]

use boilerstrip::formats::{self, InputOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = InputOptions {
        format: Some(formats::Format::Warc),
        text: formats::text::TextOptions {
            max_doc_bytes: 256,
            ..Default::default()
        },
        ..InputOptions::default()
    };
    let Ok(mut input) = formats::open(std::io::Cursor::new(data.to_vec()), "fuzz.warc", &options) else {
        return;
    };
    // Compressed input is compared after decompression by the format tests; here the
    // raw bytes must come back as they were.
    if input.codec() != formats::compress::Codec::Plain {
        return;
    }
    let mut copy = Vec::new();
    loop {
        match input.records.next_record() {
            Ok(Some(record)) => record.write_raw(&mut copy).expect("writing to a Vec"),
            Ok(None) => break,
            Err(_) => return,
        }
    }
    assert_eq!(copy, data, "records written back differ from the input");
});
