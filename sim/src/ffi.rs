//! The C side of the harness: `csrc/l4lb_shim.cpp`, compiled once per data width by `build.rs`.
//! The structs mirror the shim's field for field (the shim reports its sizes, checked at start).

use std::ffi::{c_char, c_int, c_void};

/// Inputs driven for one cycle (`struct l4lb_in`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct In {
    /// `DATA_WIDTH / 8` bytes, lane 0 first; null leaves `tdata` as it was.
    pub s_tdata: *const u8,
    pub s_tkeep: u64,
    pub axil_awaddr: u32,
    pub axil_wdata: u32,
    pub axil_araddr: u32,
    pub rst: u8,
    pub s_tvalid: u8,
    pub s_tlast: u8,
    pub s_tuser: u8,
    pub m_tready: u8,
    pub axil_awvalid: u8,
    pub axil_wstrb: u8,
    pub axil_wvalid: u8,
    pub axil_bready: u8,
    pub axil_arvalid: u8,
    pub axil_rready: u8,
}

impl Default for In {
    fn default() -> Self {
        In {
            s_tdata: std::ptr::null(),
            s_tkeep: 0,
            axil_awaddr: 0,
            axil_wdata: 0,
            axil_araddr: 0,
            rst: 0,
            s_tvalid: 0,
            s_tlast: 0,
            s_tuser: 0,
            m_tready: 1,
            axil_awvalid: 0,
            axil_wstrb: 0,
            axil_wvalid: 0,
            axil_bready: 0,
            axil_arvalid: 0,
            axil_rready: 0,
        }
    }
}

/// Outputs sampled before the rising edge (`struct l4lb_out`). The `m_t*` fields other than
/// `m_tvalid` are only written on a beat that leaves.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Out {
    pub m_tdata: [u8; 64],
    pub m_tkeep: u64,
    pub axil_rdata: u32,
    pub s_tready: u8,
    pub m_tvalid: u8,
    pub m_tlast: u8,
    pub m_tuser: u8,
    pub m_tdest: u8,
    pub axil_awready: u8,
    pub axil_wready: u8,
    pub axil_bvalid: u8,
    pub axil_bresp: u8,
    pub axil_arready: u8,
    pub axil_rvalid: u8,
    pub axil_rresp: u8,
    pub finished: u8,
}

impl Default for Out {
    fn default() -> Self {
        Out {
            m_tdata: [0; 64],
            m_tkeep: 0,
            axil_rdata: 0,
            s_tready: 0,
            m_tvalid: 0,
            m_tlast: 0,
            m_tuser: 0,
            m_tdest: 0,
            axil_awready: 0,
            axil_wready: 0,
            axil_bvalid: 0,
            axil_bresp: 0,
            axil_arready: 0,
            axil_rvalid: 0,
            axil_rresp: 0,
            finished: 0,
        }
    }
}

/// A burst of back-to-back cycles (`struct l4lb_burst`): the input beats up front,
/// `m_axis_tready` high, the AXI-Lite port idle.
#[repr(C)]
#[derive(Debug)]
pub(crate) struct Burst {
    pub in_data: *const u8,
    pub in_keep: *const u64,
    /// Bit 0 `tlast`, bit 1 `tuser[0]`.
    pub in_ctl: *const u8,
    /// Room for `cycles` beats each.
    pub out_data: *mut u8,
    pub out_keep: *mut u64,
    /// Bit 0 `tlast`, bit 1 `tuser[0]`, bit 2 `tdest`.
    pub out_ctl: *mut u8,
    pub out_at: *mut u32,
    /// Room for `n_in`.
    pub in_at: *mut u32,
    pub n_in: u32,
    pub cycles: u32,
    /// Stop after the cycle in which this many beats have left.
    pub out_limit: u32,
    pub ran: u32,
    pub beats_in: u32,
    pub beats_out: u32,
    pub finished: u8,
}

/// The functions of one width's model (`struct l4lb_vtable`).
#[repr(C)]
pub(crate) struct Vtable {
    pub width: u32,
    pub in_size: u32,
    pub out_size: u32,
    pub create: unsafe extern "C" fn() -> *mut c_void,
    pub destroy: unsafe extern "C" fn(*mut c_void),
    pub step: unsafe extern "C" fn(*mut c_void, *const In, *mut Out),
    pub burst: unsafe extern "C" fn(*mut c_void, *mut Burst),
    pub burst_size: u32,
    pub trace_open: unsafe extern "C" fn(*mut c_void, *const c_char) -> c_int,
    pub trace_close: unsafe extern "C" fn(*mut c_void),
    pub trace_flush: unsafe extern "C" fn(*mut c_void),
}

extern "C" {
    #[cfg(l4lb_w64)]
    fn l4lb_w64_vtable() -> *const Vtable;
    #[cfg(l4lb_w128)]
    fn l4lb_w128_vtable() -> *const Vtable;
    #[cfg(l4lb_w256)]
    fn l4lb_w256_vtable() -> *const Vtable;
    #[cfg(l4lb_w512)]
    fn l4lb_w512_vtable() -> *const Vtable;
}

/// The model built for `width`, if `build.rs` built it.
#[allow(unused_unsafe)] // no width built: the match has no call
pub(crate) fn vtable(width: u32) -> Option<&'static Vtable> {
    // SAFETY: each function returns a pointer to a static const struct in the shim.
    let p: *const Vtable = unsafe {
        match width {
            #[cfg(l4lb_w64)]
            64 => l4lb_w64_vtable(),
            #[cfg(l4lb_w128)]
            128 => l4lb_w128_vtable(),
            #[cfg(l4lb_w256)]
            256 => l4lb_w256_vtable(),
            #[cfg(l4lb_w512)]
            512 => l4lb_w512_vtable(),
            _ => std::ptr::null(),
        }
    };
    // SAFETY: null or a valid 'static pointer (above).
    let v = unsafe { p.as_ref() }?;
    assert_eq!(v.width, width, "shim width mismatch");
    assert_eq!(v.in_size as usize, std::mem::size_of::<In>(), "shim `struct l4lb_in` differs from ffi::In");
    assert_eq!(v.out_size as usize, std::mem::size_of::<Out>(), "shim `struct l4lb_out` differs from ffi::Out");
    assert_eq!(v.burst_size as usize, std::mem::size_of::<Burst>(), "shim `struct l4lb_burst` differs from ffi::Burst");
    Some(v)
}
