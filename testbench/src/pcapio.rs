//! Reading pcap/pcapng captures of Ethernet frames and writing pcap.

use anyhow::{bail, Context, Result};
use pcap_file::pcap::{PcapHeader, PcapPacket, PcapReader, PcapWriter};
use pcap_file::pcapng::{Block, PcapNgReader};
use pcap_file::{DataLink, TsResolution};
use std::fs::File;
use std::io::{BufReader, BufWriter, Read};
use std::path::Path;
use std::time::Duration;

/// One captured frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet {
    pub timestamp: Duration,
    pub data: Vec<u8>,
}

/// pcap's LINKTYPE_ETHERNET.
const LINKTYPE_ETHERNET: u32 = 1;

/// The link type of a classic pcap header, with the FCS bits in the upper half masked off
/// (libpcap stores "FCS present" there: 0x30000001 is Ethernet with a 4-byte FCS).
fn classic_linktype(header: &[u8; 24]) -> Option<u32> {
    let raw = match header[..4] {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => u32::from_le_bytes(header[20..24].try_into().ok()?),
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => u32::from_be_bytes(header[20..24].try_into().ok()?),
        _ => return None,
    };
    Some(raw & 0x0fff_ffff)
}

/// Reads every frame of a pcap or pcapng file. Refuses captures whose link type is not Ethernet.
pub fn read_capture(path: &Path) -> Result<Vec<Packet>> {
    let mut file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut magic = [0u8; 24];
    let n = read_up_to(&mut file, &mut magic).with_context(|| format!("cannot read {}", path.display()))?;
    drop(file);
    if n >= 4 && magic[..4] == [0x0a, 0x0d, 0x0d, 0x0a] {
        return read_pcapng(path);
    }
    if n < 24 {
        bail!("{}: not a pcap or pcapng file (only {n} bytes)", path.display());
    }
    match classic_linktype(&magic) {
        None => bail!("{}: not a pcap or pcapng file (unknown magic {:02x?})", path.display(), &magic[..4]),
        Some(LINKTYPE_ETHERNET) => {}
        Some(other) => bail!("{}: link type {other} is not Ethernet (1); l4lb sees Ethernet frames", path.display()),
    }
    let mut reader = PcapReader::new(BufReader::new(File::open(path)?))
        .with_context(|| format!("{}: bad pcap header", path.display()))?;
    let nanos = reader.header().ts_resolution == TsResolution::NanoSecond;
    let mut out = Vec::new();
    // Raw records: real captures often have an original length above the snap length (cut by
    // the capture), which pcap-file's checked reader refuses; the captured bytes are what we replay.
    while let Some(pkt) = reader.next_raw_packet() {
        let pkt = pkt.with_context(|| format!("{}: bad record after {} frames", path.display(), out.len()))?;
        let frac = if nanos { u64::from(pkt.ts_frac) } else { u64::from(pkt.ts_frac) * 1000 };
        let timestamp = Duration::from_secs(u64::from(pkt.ts_sec)) + Duration::from_nanos(frac);
        out.push(Packet { timestamp, data: pkt.data.into_owned() });
    }
    Ok(out)
}

fn read_pcapng(path: &Path) -> Result<Vec<Packet>> {
    let mut reader = PcapNgReader::new(BufReader::new(File::open(path)?))
        .with_context(|| format!("{}: bad pcapng section header", path.display()))?;
    let mut out = Vec::new();
    while let Some(block) = reader.next_block() {
        let block = block.with_context(|| format!("{}: bad block after {} frames", path.display(), out.len()))?;
        let (iface, ts, data) = match block {
            Block::EnhancedPacket(p) => (p.interface_id, p.timestamp, p.data.into_owned()),
            Block::SimplePacket(p) => (0, Duration::ZERO, p.data.into_owned()),
            Block::Packet(p) => (u32::from(p.interface_id), Duration::from_micros(p.timestamp), p.data.into_owned()),
            _ => continue,
        };
        let linktype = reader.interfaces().get(iface as usize).map(|i| i.linktype);
        match linktype {
            Some(DataLink::ETHERNET) => out.push(Packet { timestamp: ts, data }),
            Some(other) => bail!("{}: interface {iface} has link type {other:?}, not Ethernet", path.display()),
            None => bail!("{}: packet on undeclared interface {iface}", path.display()),
        }
    }
    Ok(out)
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Writes frames as a classic pcap (Ethernet, microsecond timestamps).
pub fn write_pcap(path: &Path, packets: &[Packet]) -> Result<()> {
    let file = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    let header = PcapHeader { datalink: DataLink::ETHERNET, snaplen: 65535, ..Default::default() };
    let mut w = PcapWriter::with_header(BufWriter::new(file), header)?;
    for p in packets {
        w.write_packet(&PcapPacket::new(p.timestamp, p.data.len() as u32, &p.data))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let mut inner = w.into_writer();
    std::io::Write::flush(&mut inner).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_linktype() {
        let dir = std::env::temp_dir().join(format!("l4lb-pcapio-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.pcap");
        let pkts = vec![
            Packet { timestamp: Duration::from_micros(1), data: vec![1, 2, 3] },
            Packet { timestamp: Duration::from_micros(2), data: vec![0xff; 1500] },
        ];
        write_pcap(&path, &pkts).unwrap();
        assert_eq!(read_capture(&path).unwrap(), pkts);
        // The same file with link type 105 (802.11) is refused.
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[20] = 105;
        std::fs::write(&path, &bytes).unwrap();
        let err = read_capture(&path).unwrap_err().to_string();
        assert!(err.contains("not Ethernet"), "{err}");
        std::fs::write(&path, b"hello").unwrap();
        assert!(read_capture(&path).unwrap_err().to_string().contains("not a pcap"));
    }

    #[test]
    fn fcs_bits_in_linktype_are_masked() {
        let mut h = [0u8; 24];
        h[..4].copy_from_slice(&[0xd4, 0xc3, 0xb2, 0xa1]);
        h[20..24].copy_from_slice(&0x3000_0001u32.to_le_bytes());
        assert_eq!(classic_linktype(&h), Some(1));
    }
}
