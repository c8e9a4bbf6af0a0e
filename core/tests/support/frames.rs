//! Well-formed contract v2 frames from a seed: 0 to 2 tags, IPv4 with options or IPv6 with
//! extension headers, fragments, TCP or UDP with valid checksums. Shared by the property test and
//! the fuzz target.

use std::net::IpAddr;

/// xorshift64: reproducible frames from a seed (not 0).
pub struct Rng(pub u64);
impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn csum(d: &[u8], mut s: u64) -> u16 {
    for c in d.chunks(2) {
        s += ((c[0] as u64) << 8) | *c.get(1).unwrap_or(&0) as u64;
    }
    while s > 0xffff {
        s = (s & 0xffff) + (s >> 16);
    }
    !(s as u16)
}

/// A well-formed frame to `dst:port/proto` with random v2 headers.
pub fn frame(rng: &mut Rng, dst: IpAddr, port: u16, proto: u8) -> Vec<u8> {
    let mut f = vec![2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2];
    for _ in 0..rng.below(3) {
        f.extend_from_slice(&[[0x81, 0x00], [0x88, 0xa8]][rng.below(2) as usize]);
        f.extend_from_slice(&[0, 7]);
    }
    let frag = if rng.below(5) == 0 { Some((rng.below(3) as u16 * 100, rng.below(2) == 0)) } else { None };
    let later = matches!(frag, Some((o, _)) if o != 0);
    let mut l4 = Vec::new();
    if !later {
        l4.extend_from_slice(&(1024 + rng.below(60000) as u16).to_be_bytes());
        l4.extend_from_slice(&port.to_be_bytes());
        if proto == 6 {
            l4.extend_from_slice(&[0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x10, 1, 0, 0, 0, 0, 0]);
        } else {
            l4.extend_from_slice(&[0, 0, 0, 0]);
        }
    }
    for _ in 0..rng.below(40) {
        l4.push(rng.next() as u8);
    }
    if proto == 17 && !later {
        let n = l4.len() as u16;
        l4[4..6].copy_from_slice(&n.to_be_bytes());
    }
    let src: Vec<u8> = match dst {
        IpAddr::V4(_) => vec![192, 168, 1, rng.below(250) as u8 + 1],
        IpAddr::V6(_) => [0x20u8, 1, 0xd, 0xb8, 0, 0xc, 0, 0, 0, 0, 0, 0, 0, 0, 0, rng.below(250) as u8 + 1].to_vec(),
    };
    let dst_b: Vec<u8> = match dst {
        IpAddr::V4(a) => a.octets().to_vec(),
        IpAddr::V6(a) => a.octets().to_vec(),
    };
    if !later {
        let mut pseudo = src.clone();
        pseudo.extend_from_slice(&dst_b);
        let s = csum(&pseudo, proto as u64 + l4.len() as u64);
        let s = csum(&l4, !s as u64);
        let at = if proto == 6 { 16 } else { 6 };
        l4[at..at + 2].copy_from_slice(&(if proto == 17 && s == 0 { 0xffff } else { s }).to_be_bytes());
    }
    match dst {
        IpAddr::V4(_) => {
            f.extend_from_slice(&[0x08, 0x00]);
            let opts = 4 * rng.below(11) as usize;
            let mut h = vec![0x45 + (opts / 4) as u8, 0];
            h.extend_from_slice(&((20 + opts + l4.len()) as u16).to_be_bytes());
            let ff = frag.map(|(o, m)| o | if m { 0x2000 } else { 0 }).unwrap_or(0);
            h.extend_from_slice(&[0, 1]);
            h.extend_from_slice(&ff.to_be_bytes());
            h.extend_from_slice(&[64, proto, 0, 0]);
            h.extend_from_slice(&src);
            h.extend_from_slice(&dst_b);
            h.extend(std::iter::repeat(1).take(opts));
            let s = csum(&h, 0);
            h[10..12].copy_from_slice(&s.to_be_bytes());
            f.extend_from_slice(&h);
        }
        IpAddr::V6(_) => {
            f.extend_from_slice(&[0x86, 0xdd]);
            let mut ext: Vec<u8> = Vec::new();
            let types: Vec<u8> = (0..rng.below(4)).map(|_| [0u8, 43, 60][rng.below(3) as usize]).collect();
            let mut nhs: Vec<u8> = types.clone();
            if frag.is_some() {
                nhs.push(44);
            }
            nhs.push(proto);
            for (i, _) in types.iter().enumerate() {
                let units = rng.below(3) as usize;
                let mut e = vec![0u8; 8 * (units + 1)];
                e[0] = nhs[i + 1];
                e[1] = units as u8;
                ext.extend_from_slice(&e);
            }
            if let Some((o, m)) = frag {
                ext.extend_from_slice(&[proto, 0]);
                ext.extend_from_slice(&(o << 3 | m as u16).to_be_bytes());
                ext.extend_from_slice(&[0, 0, 0, 9]);
            }
            f.extend_from_slice(&[0x60, 0, 0, 0]);
            f.extend_from_slice(&((ext.len() + l4.len()) as u16).to_be_bytes());
            f.extend_from_slice(&[nhs[0], 64]);
            f.extend_from_slice(&src);
            f.extend_from_slice(&dst_b);
            f.extend_from_slice(&ext);
        }
    }
    f.extend_from_slice(&l4);
    f
}
