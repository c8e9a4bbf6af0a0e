// l4lb_shim.cpp: extern "C" face of one Verilated l4lb model, compiled once per data width.
//
// build.rs compiles this file with -DL4LB_W=<width> -DL4LB_CLASS=Vl4lb_w<width>
// -DL4LB_HEADER="Vl4lb_w<width>.h". The only exported symbol is l4lb_w<width>_vtable(); the Rust
// side (src/ffi.rs) mirrors the structs below field for field.

#include <cstdint>
#include <cstring>

#include "verilated.h"
#if VM_TRACE
#include "verilated_vcd_c.h"
#else
class VerilatedVcdC;  // VCD support not built (L4LB_VCD=0): a trace never opens
#endif
#include L4LB_HEADER
#ifdef L4LB_CLK_PREV
#include L4LB_ROOT_HEADER
#endif

#define L4LB_CAT2(a, b) a##b
#define L4LB_CAT(a, b) L4LB_CAT2(a, b)
#define L4LB_FN(name) L4LB_CAT(L4LB_CAT(L4LB_CAT(l4lb_w, L4LB_W), _), name)

static_assert(sizeof(void*) == 8, "64-bit host expected");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the shim copies tdata bytewise: little-endian hosts only"
#endif

extern "C" {

// Inputs, driven for one cycle. Keep in sync with src/ffi.rs `In`.
struct l4lb_in {
    const uint8_t* s_tdata;  // DATA_WIDTH/8 bytes, lane 0 first; null: leave tdata as it was
    uint64_t s_tkeep;
    uint32_t axil_awaddr;
    uint32_t axil_wdata;
    uint32_t axil_araddr;
    uint8_t rst;
    uint8_t s_tvalid;
    uint8_t s_tlast;
    uint8_t s_tuser;
    uint8_t m_tready;
    uint8_t axil_awvalid;
    uint8_t axil_wstrb;
    uint8_t axil_wvalid;
    uint8_t axil_bready;
    uint8_t axil_arvalid;
    uint8_t axil_rready;
};

// Outputs, sampled after the inputs settle and before the rising edge. Keep in sync with
// src/ffi.rs `Out`.
struct l4lb_out {
    uint8_t m_tdata[64];  // only written on a beat that leaves (m_tvalid && m_tready)
    uint64_t m_tkeep;
    uint32_t axil_rdata;
    uint8_t s_tready;
    uint8_t m_tvalid;
    uint8_t m_tlast;
    uint8_t m_tuser;
    uint8_t m_tdest;
    uint8_t axil_awready;
    uint8_t axil_wready;
    uint8_t axil_bvalid;
    uint8_t axil_bresp;
    uint8_t axil_arready;
    uint8_t axil_rvalid;
    uint8_t axil_rresp;
    uint8_t finished;  // the model called $finish (or $fatal)
};

// A burst of cycles with the input stream's beats given up front, m_axis_tready high and the
// AXI-Lite port idle: the harness's fast path for back-to-back traffic (one call instead of one
// per cycle). Keep in sync with src/ffi.rs `Burst`.
struct l4lb_burst {
    const uint8_t* in_data;   // n_in beats of DATA_WIDTH/8 bytes, back to back
    const uint64_t* in_keep;  // tkeep of each beat
    const uint8_t* in_ctl;    // each beat: bit 0 tlast, bit 1 tuser[0]
    uint8_t* out_data;        // room for `cycles` beats
    uint64_t* out_keep;
    uint8_t* out_ctl;         // each beat: bit 0 tlast, bit 1 tuser[0], bit 2 tdest
    uint32_t* out_at;         // the cycle (from the burst's first) each output beat left in
    uint32_t* in_at;          // the cycle each input beat was accepted in
    uint32_t n_in;
    uint32_t cycles;          // cycles to run at most
    uint32_t out_limit;       // stop after the cycle in which this many beats have left
    // results
    uint32_t ran;             // cycles run
    uint32_t beats_in;        // input beats accepted (the first of in_data)
    uint32_t beats_out;       // output beats
    uint8_t finished;
};

struct l4lb_vtable {
    uint32_t width;
    uint32_t in_size;
    uint32_t out_size;
    void* (*create)();
    void (*destroy)(void*);
    void (*step)(void*, const l4lb_in*, l4lb_out*);
    void (*burst)(void*, l4lb_burst*);
    uint32_t burst_size;
    int (*trace_open)(void*, const char*);
    void (*trace_close)(void*);
    void (*trace_flush)(void*);
};

}  // extern "C"

namespace {

using Model = L4LB_CLASS;

struct Sim {
    VerilatedContext* ctx;
    Model* top;
    VerilatedVcdC* tfp;
    uint64_t time;  // trace time: two steps per clock cycle
};

static_assert(sizeof(Model::s_axis_tdata) == L4LB_W / 8, "tdata is DATA_WIDTH bits");
static_assert(sizeof(((l4lb_out*)nullptr)->m_tdata) >= L4LB_W / 8, "tdata buffer too small");

// Verilator keeps a current context per thread, and parts of the runtime use it rather than the
// model's own (the scopes' destructors, for one). A harness may be created in one thread and
// stepped or dropped in another, beside other harnesses: so every entry point makes this model's
// context the thread's first (a thread-local compare; set only when it differs).
inline void use_context(Sim* s) {
    if (Verilated::threadContextp() != s->ctx) Verilated::threadContextp(s->ctx);
}

void* create() {
    Sim* s = new Sim;
    s->ctx = new VerilatedContext;
#if VM_TRACE
    // Tracing is compiled in; this only allows opening a trace later.
    s->ctx->traceEverOn(true);
#endif
    s->ctx->fatalOnError(false);
    s->top = new Model{s->ctx, "l4lb"};
    s->tfp = nullptr;
    s->time = 0;
    s->top->clk = 0;
    s->top->rst = 1;
    return s;
}

void trace_close(void* p) {
#if VM_TRACE
    Sim* s = static_cast<Sim*>(p);
    use_context(s);
    if (s->tfp) {
        s->tfp->close();
        delete s->tfp;
        s->tfp = nullptr;
    }
#else
    (void)p;
#endif
}

#if VM_TRACE
#define L4LB_DUMP(s) \
    if (s->tfp) s->tfp->dump(s->time)
#else
#define L4LB_DUMP(s) (void)0
#endif

void destroy(void* p) {
    Sim* s = static_cast<Sim*>(p);
    use_context(s);
    trace_close(s);
    s->top->final();
    delete s->top;
    delete s->ctx;
    delete s;
}

// Evaluates the model after a clock edge's inputs are set, and traces the result.
inline void settle(Sim* s) {
    s->top->eval();
    L4LB_DUMP(s);
    s->time++;
}

// Every input but the clock and tdata.
void drive(Model* t, const l4lb_in* in) {
    t->rst = in->rst;
    t->s_axis_tkeep = in->s_tkeep;
    t->s_axis_tvalid = in->s_tvalid;
    t->s_axis_tlast = in->s_tlast;
    t->s_axis_tuser = in->s_tuser;
    t->m_axis_tready = in->m_tready;
    t->s_axil_awaddr = in->axil_awaddr;
    t->s_axil_awprot = 0;
    t->s_axil_awvalid = in->axil_awvalid;
    t->s_axil_wdata = in->axil_wdata;
    t->s_axil_wstrb = in->axil_wstrb;
    t->s_axil_wvalid = in->axil_wvalid;
    t->s_axil_bready = in->axil_bready;
    t->s_axil_araddr = in->axil_araddr;
    t->s_axil_arprot = 0;
    t->s_axil_arvalid = in->axil_arvalid;
    t->s_axil_rready = in->axil_rready;
}

// One clock cycle: inputs with clk low, settle, sample outputs, rising edge.
void step(void* p, const l4lb_in* in, l4lb_out* out) {
    Sim* s = static_cast<Sim*>(p);
    use_context(s);
    Model* t = s->top;
    t->clk = 0;
    drive(t, in);
    if (in->s_tdata) std::memcpy(&t->s_axis_tdata, in->s_tdata, L4LB_W / 8);
    settle(s);

    out->s_tready = t->s_axis_tready;
    out->m_tvalid = t->m_axis_tvalid;
    if (t->m_axis_tvalid && in->m_tready) {
        std::memcpy(out->m_tdata, &t->m_axis_tdata, L4LB_W / 8);
        out->m_tkeep = t->m_axis_tkeep;
        out->m_tlast = t->m_axis_tlast;
        out->m_tuser = t->m_axis_tuser;
        out->m_tdest = t->m_axis_tdest;
    }
    out->axil_awready = t->s_axil_awready;
    out->axil_wready = t->s_axil_wready;
    out->axil_bvalid = t->s_axil_bvalid;
    out->axil_bresp = t->s_axil_bresp;
    out->axil_arready = t->s_axil_arready;
    out->axil_rvalid = t->s_axil_rvalid;
    out->axil_rresp = t->s_axil_rresp;
    out->axil_rdata = t->s_axil_rdata;

    t->clk = 1;
    settle(s);
    out->finished = s->ctx->gotFinish();
}

void burst(void* p, l4lb_burst* b) {
    Sim* s = static_cast<Sim*>(p);
    use_context(s);
    Model* t = s->top;
    l4lb_in idle{};  // out of reset, AXI-Lite idle, m_axis_tready high; the stream set below
    idle.m_tready = 1;
    drive(t, &idle);
    uint32_t bi = 0, bo = 0, c = 0;
    b->finished = 0;
    for (; c < b->cycles; c++) {
#ifdef L4LB_CLK_PREV
        // After the first cycle, the falling edge needs no eval of its own. Nothing in the design
        // runs on it, and the outputs sampled below are registers or depend on registers and on
        // m_axis_tready alone, which the burst holds high: so they are already what the
        // previous cycle's eval left. The rising edge's eval settles the new inputs first, as the
        // falling edge's would have. Verilator finds the edge by the clock it saw last, so that
        // record is set low as if it had been evaluated. Traced bursts evaluate both edges, so
        // that the VCD has them. A test compares bursts with single steps cycle by cycle.
        t->clk = 0;
        const bool skip_fall = c > 0 && !s->tfp;
        if (skip_fall) {
            t->rootp->L4LB_CLK_PREV = 0;
            s->time++;
        }
#else
        t->clk = 0;
        const bool skip_fall = false;
#endif
        const bool drive = bi < b->n_in;
        if (drive) {
            std::memcpy(&t->s_axis_tdata, b->in_data + static_cast<size_t>(bi) * (L4LB_W / 8), L4LB_W / 8);
            t->s_axis_tkeep = b->in_keep[bi];
            t->s_axis_tlast = b->in_ctl[bi] & 1;
            t->s_axis_tuser = (b->in_ctl[bi] >> 1) & 1;
        }
        t->s_axis_tvalid = drive;
        if (!skip_fall) settle(s);
        if (t->m_axis_tvalid) {
            std::memcpy(b->out_data + static_cast<size_t>(bo) * (L4LB_W / 8), &t->m_axis_tdata, L4LB_W / 8);
            b->out_keep[bo] = t->m_axis_tkeep;
            b->out_ctl[bo] = (t->m_axis_tlast & 1) | ((t->m_axis_tuser & 1) << 1) | ((t->m_axis_tdest & 1) << 2);
            b->out_at[bo] = c;
            bo++;
        }
        if (drive && t->s_axis_tready) {
            b->in_at[bi] = c;
            bi++;
        }
        t->clk = 1;
        settle(s);
        if (s->ctx->gotFinish()) {
            b->finished = 1;
            c++;
            break;
        }
        if (bo >= b->out_limit) {
            c++;
            break;
        }
    }
    b->ran = c;
    b->beats_in = bi;
    b->beats_out = bo;
}

int trace_open(void* p, const char* path) {
#if !VM_TRACE
    (void)p;
    (void)path;
    return -2;
#else
    Sim* s = static_cast<Sim*>(p);
    use_context(s);
    trace_close(s);
    s->tfp = new VerilatedVcdC;
    s->top->trace(s->tfp, 99);
    s->tfp->open(path);
    if (!s->tfp->isOpen()) {
        delete s->tfp;
        s->tfp = nullptr;
        return -1;
    }
    return 0;
#endif
}

void trace_flush(void* p) {
#if VM_TRACE
    Sim* s = static_cast<Sim*>(p);
    use_context(s);
    if (s->tfp) s->tfp->flush();
#else
    (void)p;
#endif
}

const l4lb_vtable vtable = {
    L4LB_W, sizeof(l4lb_in), sizeof(l4lb_out), create, destroy, step, burst, sizeof(l4lb_burst), trace_open,
    trace_close, trace_flush,
};

}  // namespace

extern "C" const l4lb_vtable* L4LB_FN(vtable)() { return &vtable; }
