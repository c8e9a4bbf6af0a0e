// l4lb: TX arbiter between host traffic and hairpinned frames, switching at frame boundaries
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Two sources share one TX stream: source 0 is the host (the core's direct TX), source 1 the
 * hairpin FIFO. A grant lasts one whole frame (from its first beat to its last), so frames
 * never interleave. Between frames the grant goes round robin: the source that did not send
 * last goes first when both wait. Nothing is dropped: the host source is backpressured, and the
 * hairpin FIFO takes priority once it holds more than URGENT_FILL beats, so that it drains at
 * the TX line rate; the RX side of a port never delivers faster than its TX side sends, so the
 * FIFO cannot overflow (the FIFO depth must be at least URGENT_FILL plus one host frame plus
 * one hairpinned frame).
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
    // Width of the hairpin FIFO fill count
    parameter FILL_WIDTH = 10,
    // Hairpin FIFO fill (beats) above which hairpinned frames go first
    parameter URGENT_FILL = 128
) (
    input  wire                  clk,
    input  wire                  rst,

    /*
     * Host TX (source 0)
     */
    input  wire [DATA_WIDTH-1:0] s_axis_host_tdata,
    input  wire [KEEP_WIDTH-1:0] s_axis_host_tkeep,
    input  wire                  s_axis_host_tvalid,
    output wire                  s_axis_host_tready,
    input  wire                  s_axis_host_tlast,
    input  wire [USER_WIDTH-1:0] s_axis_host_tuser,

    /*
     * Hairpinned frames (source 1): whole frames only, tuser is the bad-frame bit
     */
    input  wire [DATA_WIDTH-1:0] s_axis_hp_tdata,
    input  wire [KEEP_WIDTH-1:0] s_axis_hp_tkeep,
    input  wire                  s_axis_hp_tvalid,
    output wire                  s_axis_hp_tready,
    input  wire                  s_axis_hp_tlast,
    input  wire                  s_axis_hp_tuser,
    input  wire [FILL_WIDTH-1:0] hp_fill,

    /*
     * TX out
     */
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire [KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,
    output wire                  m_axis_tlast,
    output wire [USER_WIDTH-1:0] m_axis_tuser
);

// a frame (or its first beat) is shown and which source owns it
reg busy_reg = 1'b0, busy_next;
reg sel_reg = 1'b0, sel_next;
// source that sent the last frame (round robin)
reg last_reg = 1'b1, last_next;

wire hp_urgent = {{32-FILL_WIDTH{1'b0}}, hp_fill} > URGENT_FILL;

// the grant for a frame that starts this cycle
reg pick;
always @* begin
    if (s_axis_hp_tvalid && (hp_urgent || !s_axis_host_tvalid || last_reg == 1'b0)) begin
        pick = 1'b1;
    end else begin
        pick = 1'b0;
    end
end

wire sel = busy_reg ? sel_reg : pick;
wire src_valid = sel ? s_axis_hp_tvalid : s_axis_host_tvalid;
wire src_last = sel ? s_axis_hp_tlast : s_axis_host_tlast;

assign m_axis_tdata = sel ? s_axis_hp_tdata : s_axis_host_tdata;
assign m_axis_tkeep = sel ? s_axis_hp_tkeep : s_axis_host_tkeep;
assign m_axis_tvalid = src_valid;
assign m_axis_tlast = src_last;
assign m_axis_tuser = sel ? {{USER_WIDTH-1{1'b0}}, s_axis_hp_tuser} : s_axis_host_tuser;
assign s_axis_host_tready = !sel && m_axis_tready;
assign s_axis_hp_tready = sel && m_axis_tready;

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
        sel_reg <= 1'b0;
        last_reg <= 1'b1;
    end
end

endmodule

`resetall
