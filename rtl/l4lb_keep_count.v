// l4lb: byte count of a beat from its tkeep (contiguous from lane 0)
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * For a tkeep contiguous from lane 0 (n lanes set), the bit above the last set lane is the only
 * falling edge: edge = keep & ~(keep >> 1) is one-hot at lane n-1 (zero when n = 0), and
 * count bit b is the OR of the edge lanes i with bit b of i+1 set. Two logic levels, and cheap
 * to simulate.
 */
module l4lb_keep_count #(
    // Width of tkeep
    parameter KEEP_WIDTH = 64,
    // Width of the count (0..KEEP_WIDTH)
    parameter CNT_WIDTH = $clog2(KEEP_WIDTH+1)
) (
    input  wire [KEEP_WIDTH-1:0] keep,
    output wire [CNT_WIDTH-1:0]  count
);

// lanes i whose count i+1 has bit b set
function [KEEP_WIDTH-1:0] count_mask;
    input integer b;
    integer i;
    begin
        count_mask = {KEEP_WIDTH{1'b0}};
        for (i = 0; i < KEEP_WIDTH; i = i + 1) begin
            count_mask[i] = (((i + 1) >> b) & 1) != 0;
        end
    end
endfunction

wire [KEEP_WIDTH-1:0] edge_lane = keep & ~(keep >> 1);

genvar b;
generate
    for (b = 0; b < CNT_WIDTH; b = b + 1) begin : count_bit
        localparam [KEEP_WIDTH-1:0] MASK = count_mask(b);
        assign count[b] = |(edge_lane & MASK);
    end
endgenerate

endmodule

`resetall
