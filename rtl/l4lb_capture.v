// l4lb: header capture (first HDR_BYTES bytes) and frame length, one of each per frame
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Watches the accepted input beats (adv && s_axis_tvalid). Per frame it
 *  - collects the first HDR_BYTES bytes (fewer when the frame is shorter) and presents them for
 *    one advance on hdr_* once the header is complete: at beat HDR_BYTES/BYTES-1 or at tlast,
 *    whichever comes first. hdr_len is the number of valid header bytes (1..HDR_BYTES); bytes
 *    past it are stale.
 *  - presents one length record on len_*, for one advance: at tlast {len, bad = tuser[0],
 *    over = 0}, or at the non-last beat where the bytes so far reach MAX_LEN {over = 1} (the
 *    frame is longer than MAX_LEN; len and bad are then 0 and mean nothing).
 * Both outputs are registers that move with adv, like every stage of the pipeline.
 */
module l4lb_capture #(
    // Width of the AXI stream data in bits
    parameter DATA_WIDTH = 512,
    // Width of tkeep (bytes per beat)
    parameter KEEP_WIDTH = DATA_WIDTH/8,
    // Width of tuser; tuser[0] on the last beat is the bad-frame flag
    parameter USER_WIDTH = 1,
    // Longest frame the pipeline checks, in bytes (multiple of 64)
    parameter MAX_LEN = 9216,
    // Header bytes captured (multiple of 64, below 256)
    parameter HDR_BYTES = 192,
    // Width of a frame length up to MAX_LEN
    parameter LEN_WIDTH = $clog2(MAX_LEN+1)
) (
    input  wire                  clk,
    input  wire                  rst,

    // pipeline advance
    input  wire                  adv,

    // input stream (observed, never stalled here)
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire                  s_axis_tvalid,
    input  wire                  s_axis_tlast,
    input  wire [USER_WIDTH-1:0] s_axis_tuser,

    // header: first HDR_BYTES bytes, byte i at hdr_data[8*i +: 8]
    output wire                  hdr_valid,
    output wire [8*HDR_BYTES-1:0] hdr_data,
    output wire [7:0]            hdr_len,

    // length record, one per frame
    output wire                  len_valid,
    output wire [LEN_WIDTH-1:0]  len_len,
    output wire                  len_bad,
    output wire                  len_over
);

localparam BYTES = KEEP_WIDTH;
// beats that carry the header
localparam HDR_BEATS = HDR_BYTES / BYTES;
localparam integer HDR_BYTES_INT = HDR_BYTES;
localparam [7:0] HDR_BYTES_8 = HDR_BYTES_INT[7:0];
// beats of a MAX_LEN frame
localparam MAX_BEATS = MAX_LEN / BYTES;
localparam BEAT_WIDTH = $clog2(MAX_BEATS+1);
localparam CNT_WIDTH = $clog2(BYTES+1);
localparam integer HDR_LAST_BEAT_INT = HDR_BEATS - 1;
localparam integer MAX_LAST_BEAT_INT = MAX_BEATS - 1;
localparam integer MAX_BEAT_INT = MAX_BEATS;
localparam integer BYTES_INT = BYTES;
localparam [BEAT_WIDTH-1:0] HDR_LAST_BEAT = HDR_LAST_BEAT_INT[BEAT_WIDTH-1:0];
localparam [BEAT_WIDTH-1:0] MAX_BEAT = MAX_BEAT_INT[BEAT_WIDTH-1:0];
localparam [BEAT_WIDTH-1:0] MAX_LAST_BEAT = MAX_LAST_BEAT_INT[BEAT_WIDTH-1:0];
localparam [LEN_WIDTH-1:0] BYTES_LEN = BYTES_INT[LEN_WIDTH-1:0];

// beat index within the frame, saturating at MAX_BEATS
reg [BEAT_WIDTH-1:0] beat_reg = {BEAT_WIDTH{1'b0}};

reg                  hdr_valid_reg = 1'b0;
reg [7:0]            hdr_len_reg = 8'd0;
reg                  len_valid_reg = 1'b0;
reg [LEN_WIDTH-1:0]  len_len_reg = {LEN_WIDTH{1'b0}};
reg                  len_bad_reg = 1'b0;
reg                  len_over_reg = 1'b0;

assign hdr_valid = hdr_valid_reg;
assign hdr_len = hdr_len_reg;
assign len_valid = len_valid_reg;
assign len_len = len_len_reg;
assign len_bad = len_bad_reg;
assign len_over = len_over_reg;

wire accept = adv && s_axis_tvalid;
wire in_hdr = beat_reg <= HDR_LAST_BEAT;

// bytes in this beat when it is the last one (tkeep contiguous from lane 0): keep_count(tkeep)
`include "l4lb_keep_count.vh"

// frame length when this beat is the last (beat index below MAX_BEATS); computed in the loads at
// tlast only
function [LEN_WIDTH-1:0] last_len;
    input [BEAT_WIDTH-1:0] beat;
    input [KEEP_WIDTH-1:0] keep;
    begin
        last_len = beat * BYTES_LEN + {{LEN_WIDTH-CNT_WIDTH{1'b0}}, keep_count(keep)};
    end
endfunction

// its low byte (the header length of a frame that ends within the header)
function [7:0] last_len8;
    input [BEAT_WIDTH-1:0] beat;
    input [KEEP_WIDTH-1:0] keep;
    /* verilator lint_off UNUSEDSIGNAL */ reg [LEN_WIDTH-1:0] len; /* verilator lint_on UNUSEDSIGNAL */
    begin
        len = last_len(beat, keep);
        last_len8 = len[7:0];
    end
endfunction

// the header, beat g at bits [g*DATA_WIDTH +: DATA_WIDTH]: one register (a bus gathered from
// registers per beat would be copied every cycle in the simulator)
reg [8*HDR_BYTES-1:0] hdr_reg = {8*HDR_BYTES{1'b0}};
assign hdr_data = hdr_reg;
genvar g;
generate
    for (g = 0; g < HDR_BEATS; g = g + 1) begin : hdr_slice
        localparam [BEAT_WIDTH-1:0] IDX = g;
        always @(posedge clk) begin
            if (accept && beat_reg == IDX) begin
                hdr_reg[g*DATA_WIDTH +: DATA_WIDTH] <= s_axis_tdata;
            end
        end
    end
endgenerate

always @(posedge clk) begin
    if (adv) begin
        hdr_valid_reg <= 1'b0;
        len_valid_reg <= 1'b0;

        if (s_axis_tvalid) begin
            // header complete
            if (in_hdr && (s_axis_tlast || beat_reg == HDR_LAST_BEAT)) begin
                hdr_valid_reg <= 1'b1;
                // the header is complete within HDR_BYTES bytes
                if (s_axis_tlast) begin
                    hdr_len_reg <= last_len8(beat_reg, s_axis_tkeep);
                end else begin
                    hdr_len_reg <= HDR_BYTES_8;
                end
            end

            if (s_axis_tlast) begin
                beat_reg <= {BEAT_WIDTH{1'b0}};
                // frame ended within MAX_LEN (else its over record went out already)
                if (beat_reg != MAX_BEAT) begin
                    len_valid_reg <= 1'b1;
                    len_len_reg <= last_len(beat_reg, s_axis_tkeep);
                    len_bad_reg <= s_axis_tuser[0];
                    len_over_reg <= 1'b0;
                end
            end else begin
                if (beat_reg != MAX_BEAT) begin
                    beat_reg <= beat_reg + 1'b1;
                end
                // MAX_LEN bytes seen and more to come
                if (beat_reg == MAX_LAST_BEAT) begin
                    len_valid_reg <= 1'b1;
                    len_len_reg <= {LEN_WIDTH{1'b0}};
                    len_bad_reg <= 1'b0;
                    len_over_reg <= 1'b1;
                end
            end
        end
    end

    if (rst) begin
        beat_reg <= {BEAT_WIDTH{1'b0}};
        hdr_valid_reg <= 1'b0;
        len_valid_reg <= 1'b0;
    end
end

// tuser carries more (e.g. timestamps) that passes by on the delay line
wire _unused_ok = &{1'b0, s_axis_tuser, 1'b0};

endmodule

`resetall
