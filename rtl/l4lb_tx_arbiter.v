// l4lb: TX arbiter between host traffic and hairpinned frames, switching at frame boundaries
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Host TX (source 0) and HP_COUNT hairpin FIFOs (sources 1..HP_COUNT: one per RX port that can
 * send balanced frames out of this port) share one TX stream. A grant lasts one whole frame
 * (from its first beat to its last), so frames never interleave. Between frames the grant goes
 * round robin: the first waiting source after the one that sent last. Nothing is dropped here:
 * the host source is backpressured, and hairpin FIFOs that hold more than URGENT_FILL beats go
 * first (round robin among themselves), so that a FIFO drains at the TX line rate. When one RX
 * port hairpins to this port and RX is no faster than TX, its FIFO cannot overflow (the FIFO
 * depth must be at least URGENT_FILL plus one host frame plus one hairpinned frame); when
 * several RX ports send here at once and together outrun the link, the FIFOs drop whole frames
 * and count them (l4lb_hairpin_fifo).
 *
 * Hairpinned frames leave with tuser = {TX tag 0, bad}: Corundum's TX engine sets the tag's
 * top bit on every frame it sends and ignores completions without it, so the completion the MAC
 * returns for a hairpinned frame is harmless and the completion path stays as in the template.
 */
module l4lb_tx_arbiter #(
    // Width of the AXI stream data in bits
    parameter DATA_WIDTH = 512,
    // Width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH/8,
    // Width of TX tuser: {tag, bad}
    parameter USER_WIDTH = 17,
    // Hairpin sources (1..8)
    parameter HP_COUNT = 1,
    // Width of a hairpin FIFO fill count
    parameter FILL_WIDTH = 10,
    // Hairpin FIFO fill (beats) above which its frames go first
    parameter URGENT_FILL = 128
) (
    input  wire                           clk,
    input  wire                           rst,

    /*
     * Host TX (source 0)
     */
    input  wire [DATA_WIDTH-1:0]          s_axis_host_tdata,
    input  wire [KEEP_WIDTH-1:0]          s_axis_host_tkeep,
    input  wire                           s_axis_host_tvalid,
    output wire                           s_axis_host_tready,
    input  wire                           s_axis_host_tlast,
    input  wire [USER_WIDTH-1:0]          s_axis_host_tuser,

    /*
     * Hairpinned frames (source 1 + i for FIFO i), concatenated: whole frames only, tuser is
     * the bad-frame bit
     */
    input  wire [HP_COUNT*DATA_WIDTH-1:0] s_axis_hp_tdata,
    input  wire [HP_COUNT*KEEP_WIDTH-1:0] s_axis_hp_tkeep,
    input  wire [HP_COUNT-1:0]            s_axis_hp_tvalid,
    output wire [HP_COUNT-1:0]            s_axis_hp_tready,
    input  wire [HP_COUNT-1:0]            s_axis_hp_tlast,
    input  wire [HP_COUNT-1:0]            s_axis_hp_tuser,
    input  wire [HP_COUNT*FILL_WIDTH-1:0] hp_fill,

    /*
     * TX out
     */
    output wire [DATA_WIDTH-1:0]          m_axis_tdata,
    output wire [KEEP_WIDTH-1:0]          m_axis_tkeep,
    output wire                           m_axis_tvalid,
    input  wire                           m_axis_tready,
    output wire                           m_axis_tlast,
    output wire [USER_WIDTH-1:0]          m_axis_tuser
);

localparam SOURCES = HP_COUNT + 1;
localparam SEL_WIDTH = $clog2(SOURCES);
localparam integer LAST_INT = SOURCES - 1;
localparam [SEL_WIDTH-1:0] LAST_SOURCE = LAST_INT[SEL_WIDTH-1:0];

initial begin
    if (HP_COUNT < 1 || HP_COUNT > 8) begin
`ifdef SYNTHESIS
        $display("Error: HP_COUNT must be in 1..8 (instance %m)");
`else
        $error("Error: HP_COUNT must be in 1..8 (instance %m)");
`endif
        $finish;
    end
end

// a frame (or its first beat) is shown and which source owns it
reg busy_reg = 1'b0, busy_next;
reg [SEL_WIDTH-1:0] sel_reg = {SEL_WIDTH{1'b0}}, sel_next;
// source that sent the last frame (round robin); the host goes first after reset
reg [SEL_WIDTH-1:0] last_reg = LAST_SOURCE, last_next;

// sources waiting, and the hairpin FIFOs past their urgent fill (continuous assignments: an
// always @* block would first run on an input's change, which registers initialised at their
// declaration do not make in some simulators)
wire [SOURCES-1:0] req = {s_axis_hp_tvalid, s_axis_host_tvalid};
wire [SOURCES-1:0] urgent;
assign urgent[0] = 1'b0;

genvar u;
generate
for (u = 0; u < HP_COUNT; u = u + 1) begin : hp_urgent
    assign urgent[u + 1] = s_axis_hp_tvalid[u] &&
        {{32-FILL_WIDTH{1'b0}}, hp_fill[u*FILL_WIDTH +: FILL_WIDTH]} > URGENT_FILL;
end
endgenerate

// the grant for a frame that starts this cycle: the first candidate after last_reg
wire [SOURCES-1:0] cand = (urgent != {SOURCES{1'b0}}) ? urgent : req;
reg [SEL_WIDTH-1:0] pick;
reg [SEL_WIDTH-1:0] idx;
reg found;
integer j;
always @* begin
    pick = {SEL_WIDTH{1'b0}};
    found = 1'b0;
    idx = last_reg;
    for (j = 0; j < SOURCES; j = j + 1) begin
        idx = (idx == LAST_SOURCE) ? {SEL_WIDTH{1'b0}} : idx + 1'b1;
        if (!found && cand[idx]) begin
            pick = idx;
            found = 1'b1;
        end
    end
end

wire [SEL_WIDTH-1:0] sel = busy_reg ? sel_reg : pick;

// the selected source's beat
reg [DATA_WIDTH-1:0] src_tdata;
reg [KEEP_WIDTH-1:0] src_tkeep;
reg                  src_valid;
reg                  src_last;
reg [USER_WIDTH-1:0] src_tuser;
integer k;
always @* begin
    src_tdata = s_axis_host_tdata;
    src_tkeep = s_axis_host_tkeep;
    src_valid = s_axis_host_tvalid;
    src_last = s_axis_host_tlast;
    src_tuser = s_axis_host_tuser;
    for (k = 0; k < HP_COUNT; k = k + 1) begin
        if ({{32-SEL_WIDTH{1'b0}}, sel} == k + 1) begin
            src_tdata = s_axis_hp_tdata[k*DATA_WIDTH +: DATA_WIDTH];
            src_tkeep = s_axis_hp_tkeep[k*KEEP_WIDTH +: KEEP_WIDTH];
            src_valid = s_axis_hp_tvalid[k];
            src_last = s_axis_hp_tlast[k];
            src_tuser = {{USER_WIDTH-1{1'b0}}, s_axis_hp_tuser[k]};
        end
    end
end

assign m_axis_tdata = src_tdata;
assign m_axis_tkeep = src_tkeep;
assign m_axis_tvalid = src_valid;
assign m_axis_tlast = src_last;
assign m_axis_tuser = src_tuser;
assign s_axis_host_tready = sel == {SEL_WIDTH{1'b0}} && m_axis_tready;

genvar g;
generate
for (g = 0; g < HP_COUNT; g = g + 1) begin : hp_ready
    localparam [SEL_WIDTH-1:0] SRC = g + 1;
    assign s_axis_hp_tready[g] = sel == SRC && m_axis_tready;
end
endgenerate

always @* begin
    busy_next = busy_reg;
    sel_next = sel_reg;
    last_next = last_reg;

    // once a source's beat is shown, the grant holds until that frame's last beat is taken
    // (AXI-Stream: a shown beat does not change)
    if (src_valid) begin
        busy_next = !(m_axis_tready && src_last);
        sel_next = sel;
        if (m_axis_tready && src_last) begin
            last_next = sel;
        end
    end
end

always @(posedge clk) begin
    busy_reg <= busy_next;
    sel_reg <= sel_next;
    last_reg <= last_next;

    if (rst) begin
        busy_reg <= 1'b0;
        sel_reg <= {SEL_WIDTH{1'b0}};
        last_reg <= LAST_SOURCE;
    end
end

endmodule

`resetall
