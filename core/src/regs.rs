//! Register access: the one interface every device backend implements (BAR mappings, the
//! simulated AXI-Lite port, the reference model's register image).

use thiserror::Error;

/// A register access that failed.
#[derive(Debug, Error)]
pub enum RegError {
    #[error("register offset {offset:#x} is outside the {size:#x}-byte register window")]
    OutOfBounds { offset: u64, size: u64 },
    #[error("register offset {offset:#x} is not 32-bit aligned")]
    Unaligned { offset: u64 },
    #[error("device access failed: {0}")]
    Device(String),
}

/// 32-bit register access to the l4lb register window (offsets in bytes, as in `regmap`).
pub trait RegisterAccess {
    /// Reads the 32-bit register at byte offset `offset`.
    fn read32(&mut self, offset: u32) -> Result<u32, RegError>;
    /// Writes the 32-bit register at byte offset `offset`.
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError>;
    /// Size of the register window in bytes.
    fn size(&self) -> u64;

    /// Reads a 64-bit counter: low word first (which latches the high word), then the high word.
    fn read64(&mut self, offset: u32) -> Result<u64, RegError> {
        let lo = self.read32(offset)?;
        let hi = self.read32(offset + 4)?;
        Ok(((hi as u64) << 32) | lo as u64)
    }
}

/// Checks an offset against a window size and 32-bit alignment.
pub fn check_offset(offset: u64, size: u64) -> Result<(), RegError> {
    if offset % 4 != 0 {
        return Err(RegError::Unaligned { offset });
    }
    if offset.checked_add(4).map_or(true, |end| end > size) {
        return Err(RegError::OutOfBounds { offset, size });
    }
    Ok(())
}

impl<T: RegisterAccess + ?Sized> RegisterAccess for &mut T {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        (**self).read32(offset)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        (**self).write32(offset, value)
    }
    fn size(&self) -> u64 {
        (**self).size()
    }
}

impl<T: RegisterAccess + ?Sized> RegisterAccess for Box<T> {
    fn read32(&mut self, offset: u32) -> Result<u32, RegError> {
        (**self).read32(offset)
    }
    fn write32(&mut self, offset: u32, value: u32) -> Result<(), RegError> {
        (**self).write32(offset, value)
    }
    fn size(&self) -> u64 {
        (**self).size()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_checked() {
        assert!(check_offset(0, 16).is_ok());
        assert!(check_offset(12, 16).is_ok());
        assert!(matches!(check_offset(16, 16), Err(RegError::OutOfBounds { .. })));
        assert!(matches!(check_offset(2, 16), Err(RegError::Unaligned { .. })));
        assert!(matches!(check_offset(u64::MAX - 3, u64::MAX), Err(RegError::OutOfBounds { .. })));
    }
}
