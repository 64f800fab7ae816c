//! The floor under shouwen's reading (bench/RESULTS.md, round 11): the csv crate alone
//! over a mapped cases.csv, on one core and in two halves on two cores, and the whole-file
//! passes (SHA-256, UTF-8 check). Prints times to stderr.
use std::time::Instant;

fn parse(data: &[u8]) -> (usize, usize) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::Cursor::new(data));
    let mut rec = csv::ByteRecord::new();
    let (mut n, mut fields) = (0, 0);
    while rdr.read_byte_record(&mut rec).unwrap() {
        n += 1;
        fields += rec.len();
    }
    (n, fields)
}

fn main() {
    let path = std::env::args().nth(1).unwrap();
    let f = std::fs::File::open(&path).unwrap();
    let m = unsafe { memmap2::Mmap::map(&f).unwrap() };
    let data: &[u8] = &m;
    // warm the page cache
    let t = Instant::now();
    let s: u64 = data.iter().step_by(4096).map(|&b| b as u64).sum();
    eprintln!("touch {:?} ({s})", t.elapsed());
    let t = Instant::now();
    let _ = sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(data));
    eprintln!("sha256 one core {:?}", t.elapsed());
    let t = Instant::now();
    let ok = simdutf8::basic::from_utf8(data).is_ok();
    eprintln!("utf8 check one core {:?} ({ok})", t.elapsed());
    let t = Instant::now();
    let (n, fields) = parse(data);
    eprintln!("csv crate, one core: {:?} ({n} records, {fields} fields)", t.elapsed());
    // Two halves at a line start (a quoted field may span lines, so the halves may split
    // a record: the counts can differ by a few; only the time matters here).
    let mid = data.len() / 2 + data[data.len() / 2..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let t = Instant::now();
    let (a, b) = std::thread::scope(|s| {
        let h = s.spawn(|| parse(&data[mid..]));
        (parse(&data[..mid]), h.join().unwrap())
    });
    eprintln!("csv crate, two halves on two cores: {:?} ({} records)", t.elapsed(), a.0 + b.0);
}
