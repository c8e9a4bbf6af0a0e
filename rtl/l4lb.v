// l4lb: Layer-4 load balancer, top level (AXI-Stream in/out, AXI-Lite control)
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * l4lb top. See docs/architecture.md for the contract.
 *
 *   s_axis -> capture -> parse -> hash + lookup -> patch -> patch FIFO --+
 *                |                                                       v
 *                +-> length FIFO ---------------------------------> output -> m_axis
 *   s_axis -> delay line (DELAY - 1 RAM words) --------------------> output    (+ counters)
 *
 * Everything advances together on adv: the output slot is free and either an input beat is
 * there or no frame is open on the input. The input never stalls on its own
 * (s_axis_tready = m_axis_tready || !m_axis_tvalid); when it idles inside a frame the pipeline
 * holds; idle cycles between frames move through as bubbles. Every beat leaves LATENCY
 * advances after it was accepted:
 *   DELAY   = MAX_LEN / BYTES + 16
 *   LATENCY = DELAY + 1 = (DELAY - 1 delay RAM words, registered read) + q register + output
 *             register
 * The header side needs at most HDR_BEATS - 1 + 27 advances from a frame's first beat until its
 * patch record is at the patch FIFO head (capture 1, parse 7, lookup 13, patch 4, FIFO 2), and
 * the length record is ready MAX_BEATS + 1 advances after the first beat at the latest; the
 * first beat reaches the decision point (delay line output) after DELAY - 1 advances, which
 * covers both for every MAX_LEN >= 1024 (at 512 bits: 16 + 15 >= 2 + 27).
 */
module l4lb #(
    // Width of the AXI stream data in bits: 64, 128, 256 or 512
    parameter DATA_WIDTH = 512,
    // Width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH/8,
    // Width of tuser; tuser[0] on the last beat is the bad-frame flag
    parameter USER_WIDTH = 1,
    // Width of the AXI-Lite address
    parameter AXIL_ADDR_WIDTH = 24,
    // VIP ids
    parameter VIP_COUNT = 256,
    // VIP match buckets per bank, power of two; 2 banks x 4 ways
    parameter VIP_BUCKETS = 128,
    // Backend table entries, power of two
    parameter BACKEND_COUNT = 4096,
    // Ring entries per table bank, power of two (2 banks: 2^20 x 2 x 16 bits fit the U50's URAM)
    parameter RING_ENTRIES = 1048576,
    // Longest frame the pipeline checks, in bytes; multiple of 64
    parameter MAX_LEN = 9216,
    // The port this core serves and the card's number of ports (PORTS register; 1..8)
    parameter PORT_INDEX = 0,
    parameter PORT_COUNT = 1
) (
    input  wire                       clk,
    input  wire                       rst,

    /*
     * AXI-Stream input
     */
    input  wire [DATA_WIDTH-1:0]      s_axis_tdata,
    input  wire [KEEP_WIDTH-1:0]      s_axis_tkeep,
    input  wire                       s_axis_tvalid,
    output wire                       s_axis_tready,
    input  wire                       s_axis_tlast,
    input  wire [USER_WIDTH-1:0]      s_axis_tuser,

    /*
     * AXI-Stream output
     */
    output wire [DATA_WIDTH-1:0]      m_axis_tdata,
    output wire [KEEP_WIDTH-1:0]      m_axis_tkeep,
    output wire                       m_axis_tvalid,
    input  wire                       m_axis_tready,
    output wire                       m_axis_tlast,
    output wire [USER_WIDTH-1:0]      m_axis_tuser,
    output wire                       m_axis_tdest,

    /*
     * AXI-Lite slave
     */
    input  wire [AXIL_ADDR_WIDTH-1:0] s_axil_awaddr,
    input  wire [2:0]                 s_axil_awprot,
    input  wire                       s_axil_awvalid,
    output wire                       s_axil_awready,
    input  wire [31:0]                s_axil_wdata,
    input  wire [3:0]                 s_axil_wstrb,
    input  wire                       s_axil_wvalid,
    output wire                       s_axil_wready,
    output wire [1:0]                 s_axil_bresp,
    output wire                       s_axil_bvalid,
    input  wire                       s_axil_bready,
    input  wire [AXIL_ADDR_WIDTH-1:0] s_axil_araddr,
    input  wire [2:0]                 s_axil_arprot,
    input  wire                       s_axil_arvalid,
    output wire                       s_axil_arready,
    output wire [31:0]                s_axil_rdata,
    output wire [1:0]                 s_axil_rresp,
    output wire                       s_axil_rvalid,
    input  wire                       s_axil_rready,

    /*
     * HAIRPIN register: nibble p is the TX port for frames balanced on RX port p (used by the
     * application block; a core on its own leaves it open)
     */
    output wire [31:0]                hairpin_map
);

localparam BYTES = KEEP_WIDTH;
// header bytes captured and parsed: extension headers and the L4 header start before byte
// WINDOW; a TCP header there ends by byte WINDOW + 20 (HDR_BYTES is that, rounded up to 64)
localparam HDR_BYTES = 192;
localparam WINDOW = 128;
localparam HDR_BEATS = HDR_BYTES / BYTES;
localparam MAX_BEATS = MAX_LEN / BYTES;
// delay from a beat's acceptance to the decision stage input, plus the decision register
localparam DELAY = MAX_BEATS + 16;
// cycles from s_axis to m_axis with the output always ready (CAP_LATENCY)
localparam LATENCY = DELAY + 1;
// advances from a frame's last header beat to its patch record at the FIFO head
localparam HDR_PIPE = 27;
localparam LEN_WIDTH = $clog2(MAX_LEN+1);
localparam VIP_WIDTH = $clog2(VIP_COUNT);
localparam BACKEND_WIDTH = $clog2(BACKEND_COUNT);
// what a frame is counted under, carried through the patch and output stages in their `vip`
// field: {backend entry index, VIP id}
localparam TAG_WIDTH = BACKEND_WIDTH + VIP_WIDTH;
// frames in flight between the header pipeline and the output: at most one per beat of DELAY
localparam FIFO_DEPTH = 2 ** $clog2(DELAY + 16);

/*
 * Elaboration checks
 */
function is_pow2;
    input integer n;
    begin
        is_pow2 = n >= 2 && (n & (n - 1)) == 0;
    end
endfunction

initial begin
    if (DATA_WIDTH != 64 && DATA_WIDTH != 128 && DATA_WIDTH != 256 && DATA_WIDTH != 512) begin
`ifdef SYNTHESIS
        $display("Error: DATA_WIDTH must be 64, 128, 256 or 512 (instance %m)");
`else
        $error("Error: DATA_WIDTH must be 64, 128, 256 or 512 (instance %m)");
`endif
        $finish;
    end
    if (KEEP_WIDTH * 8 != DATA_WIDTH) begin
`ifdef SYNTHESIS
        $display("Error: KEEP_WIDTH must be DATA_WIDTH/8 (instance %m)");
`else
        $error("Error: KEEP_WIDTH must be DATA_WIDTH/8 (instance %m)");
`endif
        $finish;
    end
    if (USER_WIDTH < 1) begin
`ifdef SYNTHESIS
        $display("Error: USER_WIDTH must be at least 1 (instance %m)");
`else
        $error("Error: USER_WIDTH must be at least 1 (instance %m)");
`endif
        $finish;
    end
    if (MAX_LEN < 1024 || MAX_LEN % 64 != 0 || MAX_LEN > 65472) begin
`ifdef SYNTHESIS
        $display("Error: MAX_LEN must be a multiple of 64 in 1024..65472 (instance %m)");
`else
        $error("Error: MAX_LEN must be a multiple of 64 in 1024..65472 (instance %m)");
`endif
        $finish;
    end
    if (!is_pow2(VIP_BUCKETS) || VIP_BUCKETS > 256) begin
`ifdef SYNTHESIS
        $display("Error: VIP_BUCKETS must be a power of two in 2..256 (instance %m)");
`else
        $error("Error: VIP_BUCKETS must be a power of two in 2..256 (instance %m)");
`endif
        $finish;
    end
    if (VIP_COUNT < 2 || VIP_COUNT > 4096) begin
`ifdef SYNTHESIS
        $display("Error: VIP_COUNT must be in 2..4096 (instance %m)");
`else
        $error("Error: VIP_COUNT must be in 2..4096 (instance %m)");
`endif
        $finish;
    end
    if (!is_pow2(BACKEND_COUNT) || BACKEND_COUNT > 32768) begin
`ifdef SYNTHESIS
        $display("Error: BACKEND_COUNT must be a power of two in 2..32768 (instance %m)");
`else
        $error("Error: BACKEND_COUNT must be a power of two in 2..32768 (instance %m)");
`endif
        $finish;
    end
    if (!is_pow2(RING_ENTRIES) || RING_ENTRIES > 1048576) begin
`ifdef SYNTHESIS
        $display("Error: RING_ENTRIES must be a power of two in 2..2^20 (instance %m)");
`else
        $error("Error: RING_ENTRIES must be a power of two in 2..2^20 (instance %m)");
`endif
        $finish;
    end
    if (PORT_COUNT < 1 || PORT_COUNT > 8 || PORT_INDEX < 0 || PORT_INDEX >= PORT_COUNT) begin
`ifdef SYNTHESIS
        $display("Error: PORT_COUNT must be in 1..8 and PORT_INDEX below it (instance %m)");
`else
        $error("Error: PORT_COUNT must be in 1..8 and PORT_INDEX below it (instance %m)");
`endif
        $finish;
    end
    if (AXIL_ADDR_WIDTH < 23 || AXIL_ADDR_WIDTH > 32) begin
`ifdef SYNTHESIS
        $display("Error: AXIL_ADDR_WIDTH must be in 23..32 (instance %m)");
`else
        $error("Error: AXIL_ADDR_WIDTH must be in 23..32 (instance %m)");
`endif
        $finish;
    end
    if (DELAY - 1 < HDR_BEATS - 1 + HDR_PIPE) begin
`ifdef SYNTHESIS
        $display("Error: delay line shorter than the header pipeline (instance %m)");
`else
        $error("Error: delay line shorter than the header pipeline (instance %m)");
`endif
        $finish;
    end
end

/*
 * Global advance
 */
reg in_frame_reg = 1'b0;

wire slot_free = m_axis_tready || !m_axis_tvalid;
wire adv = slot_free && (s_axis_tvalid || !in_frame_reg);

assign s_axis_tready = slot_free;

always @(posedge clk) begin
    if (adv && s_axis_tvalid) begin
        in_frame_reg <= !s_axis_tlast;
    end
    if (rst) begin
        in_frame_reg <= 1'b0;
    end
end

/*
 * Control
 */
wire        ctrl_enable;
wire [31:0] hash_seed;
wire        table_bank;
wire [1:0]  bank_busy;
wire        bus_we;
wire        bus_re;
wire [31:0] bus_addr;
wire [31:0] bus_wdata;
wire [31:0] lookup_rdata;
wire [31:0] counters_rdata;

l4lb_axil_regs #(
    .AXIL_ADDR_WIDTH(AXIL_ADDR_WIDTH),
    .CAP_WIDTH(DATA_WIDTH),
    .CAP_VIPS(VIP_COUNT),
    .CAP_VIP_BUCKETS(VIP_BUCKETS),
    .CAP_BACKENDS(BACKEND_COUNT),
    .CAP_RING(RING_ENTRIES),
    .CAP_LATENCY(LATENCY),
    .CAP_MAX_LEN(MAX_LEN),
    .BUS_RD_LATENCY(3),
    .PORT_INDEX(PORT_INDEX),
    .PORT_COUNT(PORT_COUNT)
)
axil_regs_inst (
    .clk(clk),
    .rst(rst),
    .s_axil_awaddr(s_axil_awaddr),
    .s_axil_awprot(s_axil_awprot),
    .s_axil_awvalid(s_axil_awvalid),
    .s_axil_awready(s_axil_awready),
    .s_axil_wdata(s_axil_wdata),
    .s_axil_wstrb(s_axil_wstrb),
    .s_axil_wvalid(s_axil_wvalid),
    .s_axil_wready(s_axil_wready),
    .s_axil_bresp(s_axil_bresp),
    .s_axil_bvalid(s_axil_bvalid),
    .s_axil_bready(s_axil_bready),
    .s_axil_araddr(s_axil_araddr),
    .s_axil_arprot(s_axil_arprot),
    .s_axil_arvalid(s_axil_arvalid),
    .s_axil_arready(s_axil_arready),
    .s_axil_rdata(s_axil_rdata),
    .s_axil_rresp(s_axil_rresp),
    .s_axil_rvalid(s_axil_rvalid),
    .s_axil_rready(s_axil_rready),
    .ctrl_enable(ctrl_enable),
    .hash_seed(hash_seed),
    .table_bank(table_bank),
    .bank_busy(bank_busy),
    .hairpin_map(hairpin_map),
    .bus_we(bus_we),
    .bus_re(bus_re),
    .bus_addr(bus_addr),
    .bus_wdata(bus_wdata),
    .bus_rdata(lookup_rdata | counters_rdata)
);

/*
 * Header capture and length records
 */
wire                 hdr_valid;
wire [8*HDR_BYTES-1:0] hdr_data;
wire [7:0]           hdr_len;
wire                 len_valid;
wire [LEN_WIDTH-1:0] len_len;
wire                 len_bad;
wire                 len_over;

l4lb_capture #(
    .DATA_WIDTH(DATA_WIDTH),
    .KEEP_WIDTH(KEEP_WIDTH),
    .USER_WIDTH(USER_WIDTH),
    .MAX_LEN(MAX_LEN),
    .HDR_BYTES(HDR_BYTES),
    .LEN_WIDTH(LEN_WIDTH)
)
capture_inst (
    .clk(clk),
    .rst(rst),
    .adv(adv),
    .s_axis_tdata(s_axis_tdata),
    .s_axis_tkeep(s_axis_tkeep),
    .s_axis_tvalid(s_axis_tvalid),
    .s_axis_tlast(s_axis_tlast),
    .s_axis_tuser(s_axis_tuser),
    .hdr_valid(hdr_valid),
    .hdr_data(hdr_data),
    .hdr_len(hdr_len),
    .len_valid(len_valid),
    .len_len(len_len),
    .len_bad(len_bad),
    .len_over(len_over)
);

wire                 lf_valid;
wire [LEN_WIDTH-1:0] lf_len;
wire                 lf_bad;
wire                 lf_over;
wire                 lf_rd;

l4lb_fifo #(
    .WIDTH(LEN_WIDTH + 2),
    .DEPTH(FIFO_DEPTH)
)
len_fifo_inst (
    .clk(clk),
    .rst(rst),
    .wr_en(adv && len_valid),
    .wr_data({len_over, len_bad, len_len}),
    .rd_en(lf_rd),
    .rd_data({lf_over, lf_bad, lf_len}),
    .rd_valid(lf_valid)
);

/*
 * Parse
 */
wire         p_valid;
wire         p_disabled;
wire [3:0]   p_reason;
wire         p_ipv6;
wire         p_fragment;
wire         p_later;
wire         p_udp;
wire [127:0] p_src;
wire [127:0] p_dst;
wire [15:0]  p_sport;
wire [15:0]  p_dport;
wire [7:0]   p_proto;
wire [7:0]   p_l2;
wire [7:0]   p_l4_csum_pos;
wire [15:0]  p_ip_csum;
wire [15:0]  p_l4_csum;
wire [16:0]  p_need_len;

l4lb_parse #(
    .MAX_LEN(MAX_LEN),
    .HDR_BYTES(HDR_BYTES),
    .WINDOW(WINDOW)
)
parse_inst (
    .clk(clk),
    .rst(rst),
    .adv(adv),
    .ctrl_enable(ctrl_enable),
    .hdr_valid(hdr_valid),
    .hdr_data(hdr_data),
    .hdr_len(hdr_len),
    .out_valid(p_valid),
    .out_disabled(p_disabled),
    .out_reason(p_reason),
    .out_ipv6(p_ipv6),
    .out_fragment(p_fragment),
    .out_later(p_later),
    .out_udp(p_udp),
    .out_src(p_src),
    .out_dst(p_dst),
    .out_sport(p_sport),
    .out_dport(p_dport),
    .out_proto(p_proto),
    .out_l2(p_l2),
    .out_l4_csum_pos(p_l4_csum_pos),
    .out_ip_csum(p_ip_csum),
    .out_l4_csum(p_l4_csum),
    .out_need_len(p_need_len)
);

/*
 * Hash and lookup; parse results the patch needs ride along
 */
// need_len matters only when the header rules pass, and then it is <= MAX_LEN
localparam PASS_WIDTH = 1 + 4 + 1 + 1 + 1 + 8 + 8 + 128 + 16 + 16 + LEN_WIDTH;

wire [PASS_WIDTH-1:0] lk_pass;
wire                  lk_valid;
wire [3:0]            lk_reason;
wire [15:0]           lk_vip_id;
wire [BACKEND_WIDTH-1:0] lk_backend;
wire                  lk_mac_valid;
wire [47:0]           lk_mac;
wire [127:0]          lk_ip;

wire                  lk_disabled;
wire [3:0]            lk_hdr_reason;
wire                  lk_ipv6;
wire                  lk_later;
wire                  lk_udp;
wire [7:0]            lk_l2;
wire [7:0]            lk_l4_csum_pos;
wire [127:0]          lk_old_ip;
wire [15:0]           lk_ip_csum;
wire [15:0]           lk_l4_csum;
wire [LEN_WIDTH-1:0]  lk_need_len;

assign {lk_disabled, lk_hdr_reason, lk_ipv6, lk_later, lk_udp, lk_l2, lk_l4_csum_pos, lk_old_ip,
        lk_ip_csum, lk_l4_csum, lk_need_len} = lk_pass;

l4lb_lookup #(
    .VIP_COUNT(VIP_COUNT),
    .VIP_BUCKETS(VIP_BUCKETS),
    .BACKEND_COUNT(BACKEND_COUNT),
    .RING_ENTRIES(RING_ENTRIES),
    .PASS_WIDTH(PASS_WIDTH)
)
lookup_inst (
    .clk(clk),
    .rst(rst),
    .adv(adv),
    .hash_seed(hash_seed),
    .table_bank(table_bank),
    .bank_busy(bank_busy),
    .in_valid(p_valid),
    .in_ipv6(p_ipv6),
    .in_fragment(p_fragment),
    .in_src(p_src),
    .in_dst(p_dst),
    .in_sport(p_sport),
    .in_dport(p_dport),
    .in_proto(p_proto),
    .in_pass({p_disabled, p_reason, p_ipv6, p_later, p_udp, p_l2, p_l4_csum_pos, p_dst,
              p_ip_csum, p_l4_csum, p_need_len[LEN_WIDTH-1:0]}),
    .out_valid(lk_valid),
    .out_reason(lk_reason),
    .out_vip_id(lk_vip_id),
    .out_backend(lk_backend),
    .out_mac_valid(lk_mac_valid),
    .out_mac(lk_mac),
    .out_ip(lk_ip),
    .out_pass(lk_pass),
    .host_we(bus_we),
    .host_re(bus_re),
    .host_addr(bus_addr),
    .host_wdata(bus_wdata),
    .host_rdata(lookup_rdata)
);

/*
 * Patch and patch FIFO
 */
wire                 pt_wr;
wire                 pt_disabled;
wire [3:0]           pt_hdr_reason;
wire [3:0]           pt_lookup_reason;
wire [LEN_WIDTH-1:0] pt_need_len;
wire [TAG_WIDTH-1:0] pt_vip;
wire                 pt_ipv6;
wire                 pt_l4_en;
wire [7:0]           pt_l2;
wire [7:0]           pt_l4_csum_pos;
wire                 pt_mac_valid;
wire [47:0]          pt_mac;
wire [127:0]         pt_ip;
wire [15:0]          pt_ip_csum;
wire [15:0]          pt_l4_csum;

l4lb_patch #(
    .LEN_WIDTH(LEN_WIDTH),
    .VIP_WIDTH(TAG_WIDTH)
)
patch_inst (
    .clk(clk),
    .rst(rst),
    .adv(adv),
    .in_valid(lk_valid),
    .in_disabled(lk_disabled),
    .in_hdr_reason(lk_hdr_reason),
    .in_lookup_reason(lk_reason),
    .in_need_len(lk_need_len),
    .in_vip({lk_backend, lk_vip_id[VIP_WIDTH-1:0]}),
    .in_ipv6(lk_ipv6),
    .in_later(lk_later),
    .in_udp(lk_udp),
    .in_l2(lk_l2),
    .in_l4_csum_pos(lk_l4_csum_pos),
    .in_old_ip(lk_old_ip),
    .in_ip_csum(lk_ip_csum),
    .in_l4_csum(lk_l4_csum),
    .in_mac_valid(lk_mac_valid),
    .in_mac(lk_mac),
    .in_new_ip(lk_ip),
    .out_wr(pt_wr),
    .out_disabled(pt_disabled),
    .out_hdr_reason(pt_hdr_reason),
    .out_lookup_reason(pt_lookup_reason),
    .out_need_len(pt_need_len),
    .out_vip(pt_vip),
    .out_ipv6(pt_ipv6),
    .out_l4_en(pt_l4_en),
    .out_l2(pt_l2),
    .out_l4_csum_pos(pt_l4_csum_pos),
    .out_mac_valid(pt_mac_valid),
    .out_mac(pt_mac),
    .out_ip(pt_ip),
    .out_ip_csum(pt_ip_csum),
    .out_l4_csum(pt_l4_csum)
);

localparam PATCH_WIDTH = 1 + 4 + 4 + LEN_WIDTH + TAG_WIDTH + 1 + 1 + 8 + 8 + 1 + 48 + 128 + 16 + 16;

wire                 pf_valid;
wire                 pf_rd;
wire                 pf_disabled;
wire [3:0]           pf_hdr_reason;
wire [3:0]           pf_lookup_reason;
wire [LEN_WIDTH-1:0] pf_need_len;
wire [TAG_WIDTH-1:0] pf_vip;
wire                 pf_ipv6;
wire                 pf_l4_en;
wire [7:0]           pf_l2;
wire [7:0]           pf_l4_csum_pos;
wire                 pf_mac_valid;
wire [47:0]          pf_mac;
wire [127:0]         pf_ip;
wire [15:0]          pf_ip_csum;
wire [15:0]          pf_l4_csum;

l4lb_fifo #(
    .WIDTH(PATCH_WIDTH),
    .DEPTH(FIFO_DEPTH)
)
patch_fifo_inst (
    .clk(clk),
    .rst(rst),
    .wr_en(pt_wr),
    .wr_data({pt_disabled, pt_hdr_reason, pt_lookup_reason, pt_need_len, pt_vip, pt_ipv6,
              pt_l4_en, pt_l2, pt_l4_csum_pos, pt_mac_valid, pt_mac, pt_ip, pt_ip_csum,
              pt_l4_csum}),
    .rd_en(pf_rd),
    .rd_data({pf_disabled, pf_hdr_reason, pf_lookup_reason, pf_need_len, pf_vip, pf_ipv6,
              pf_l4_en, pf_l2, pf_l4_csum_pos, pf_mac_valid, pf_mac, pf_ip, pf_ip_csum,
              pf_l4_csum}),
    .rd_valid(pf_valid)
);

/*
 * Delay line
 */
wire                  dl_valid;
wire [DATA_WIDTH-1:0] dl_data;
wire [KEEP_WIDTH-1:0] dl_keep;
wire                  dl_last;
wire [USER_WIDTH-1:0] dl_user;

l4lb_delay #(
    .DATA_WIDTH(DATA_WIDTH),
    .KEEP_WIDTH(KEEP_WIDTH),
    .USER_WIDTH(USER_WIDTH),
    .DEPTH(DELAY - 1)
)
delay_inst (
    .clk(clk),
    .rst(rst),
    .adv(adv),
    .in_valid(s_axis_tvalid),
    .in_data(s_axis_tdata),
    .in_keep(s_axis_tkeep),
    .in_last(s_axis_tlast),
    .in_user(s_axis_tuser),
    .out_valid(dl_valid),
    .out_data(dl_data),
    .out_keep(dl_keep),
    .out_last(dl_last),
    .out_user(dl_user)
);

/*
 * Output and counters
 */
wire                 ev_valid;
wire [3:0]           ev_reason;
wire [TAG_WIDTH-1:0] ev_tag;
wire [31:0]          ev_bytes;

l4lb_output #(
    .DATA_WIDTH(DATA_WIDTH),
    .KEEP_WIDTH(KEEP_WIDTH),
    .USER_WIDTH(USER_WIDTH),
    .LEN_WIDTH(LEN_WIDTH),
    .VIP_WIDTH(TAG_WIDTH),
    .HDR_BYTES(HDR_BYTES)
)
output_inst (
    .clk(clk),
    .rst(rst),
    .adv(adv),
    .dl_valid(dl_valid),
    .dl_data(dl_data),
    .dl_keep(dl_keep),
    .dl_last(dl_last),
    .dl_user(dl_user),
    .lf_valid(lf_valid),
    .lf_len(lf_len),
    .lf_bad(lf_bad),
    .lf_over(lf_over),
    .lf_rd(lf_rd),
    .pf_valid(pf_valid),
    .pf_disabled(pf_disabled),
    .pf_hdr_reason(pf_hdr_reason),
    .pf_lookup_reason(pf_lookup_reason),
    .pf_need_len(pf_need_len),
    .pf_vip(pf_vip),
    .pf_ipv6(pf_ipv6),
    .pf_l4_en(pf_l4_en),
    .pf_l2(pf_l2),
    .pf_l4_csum_pos(pf_l4_csum_pos),
    .pf_mac_valid(pf_mac_valid),
    .pf_mac(pf_mac),
    .pf_ip(pf_ip),
    .pf_ip_csum(pf_ip_csum),
    .pf_l4_csum(pf_l4_csum),
    .pf_rd(pf_rd),
    .m_axis_tdata(m_axis_tdata),
    .m_axis_tkeep(m_axis_tkeep),
    .m_axis_tvalid(m_axis_tvalid),
    .m_axis_tready(m_axis_tready),
    .m_axis_tlast(m_axis_tlast),
    .m_axis_tuser(m_axis_tuser),
    .m_axis_tdest(m_axis_tdest),
    .ev_valid(ev_valid),
    .ev_reason(ev_reason),
    .ev_vip(ev_tag),
    .ev_bytes(ev_bytes)
);

l4lb_counters #(
    .VIP_COUNT(VIP_COUNT),
    .VIP_WIDTH(VIP_WIDTH),
    .BACKEND_COUNT(BACKEND_COUNT),
    .BACKEND_WIDTH(BACKEND_WIDTH)
)
counters_inst (
    .clk(clk),
    .rst(rst),
    .ev_valid(ev_valid),
    .ev_reason(ev_reason),
    .ev_vip(ev_tag[VIP_WIDTH-1:0]),
    .ev_backend(ev_tag[VIP_WIDTH +: BACKEND_WIDTH]),
    .ev_bytes(ev_bytes),
    .host_re(bus_re),
    .host_addr(bus_addr),
    .host_rdata(counters_rdata)
);

// upper need_len bits and vip_id bits are meaningless once the rules pass (see above)
wire _unused_ok = &{1'b0, p_need_len, lk_vip_id, 1'b0};

// the parse window is fixed by the capture size
initial begin
    if (WINDOW + 20 > HDR_BYTES) begin
        $display("Error: HDR_BYTES must cover a TCP header starting before WINDOW (instance %m)");
        $finish;
    end
end

endmodule

`resetall
