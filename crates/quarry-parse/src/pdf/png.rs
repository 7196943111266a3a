//! A minimal PNG encoder for 8-bit grayscale images: what the dashboard needs
//! to show rendered PDF pages, without an image crate. Rows are stored with
//! filter type 0 and deflated by `flate2`; chunk CRCs come from `crc32fast`.

use std::io::Write;

use flate2::Compression;
use flate2::write::ZlibEncoder;

const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// Encodes a row-major grayscale image (`pixels.len() == width * height`).
/// Returns `None` when the sizes disagree or do not fit PNG's 32-bit fields.
pub fn encode_gray(width: usize, height: usize, pixels: &[u8]) -> Option<Vec<u8>> {
    let (w, h) = (u32::try_from(width).ok()?, u32::try_from(height).ok()?);
    if width == 0 || height == 0 || pixels.len() != width.checked_mul(height)? {
        return None;
    }
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    // Bit depth 8, colour type 0 (gray), deflate, adaptive filtering, no interlace.
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);

    let mut z = ZlibEncoder::new(Vec::new(), Compression::fast());
    for row in pixels.chunks_exact(width) {
        z.write_all(&[0]).ok()?;
        z.write_all(row).ok()?;
    }
    let idat = z.finish().ok()?;

    let mut out = Vec::with_capacity(idat.len() + 64);
    out.extend_from_slice(&SIGNATURE);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", &idat);
    chunk(&mut out, b"IEND", &[]);
    Some(out)
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_decodable_gray_png() {
        let pixels: Vec<u8> = (0..6).map(|i| i * 40).collect();
        let png = encode_gray(3, 2, &pixels).expect("encodes");
        assert_eq!(&png[..8], &SIGNATURE);
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(u32::from_be_bytes([png[16], png[17], png[18], png[19]]), 3);
        assert_eq!(u32::from_be_bytes([png[20], png[21], png[22], png[23]]), 2);
        // The IDAT payload inflates back to filter byte + row, twice.
        let idat_len = u32::from_be_bytes([png[33], png[34], png[35], png[36]]) as usize;
        assert_eq!(&png[37..41], b"IDAT");
        let mut inflated = Vec::new();
        use std::io::Read;
        flate2::read::ZlibDecoder::new(&png[41..41 + idat_len])
            .read_to_end(&mut inflated)
            .expect("inflates");
        assert_eq!(inflated, [0, 0, 40, 80, 0, 120, 160, 200]);
        assert!(png.ends_with(&[0xae, 0x42, 0x60, 0x82]), "IEND CRC");
    }

    #[test]
    fn rejects_mismatched_sizes() {
        assert_eq!(encode_gray(2, 2, &[0; 3]), None);
        assert_eq!(encode_gray(0, 0, &[]), None);
    }
}
