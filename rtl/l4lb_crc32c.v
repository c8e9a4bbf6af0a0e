// l4lb: CRC-32C (Castagnoli) over a byte vector, as an XOR tree into a register with a load enable
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * CRC-32C, reflected (polynomial 0x1EDC6F41, reflected 0x82F63B78), over BYTE_COUNT bytes in
 * one step, registered: crc_out loads the CRC of data when en is 1 (so the simulator computes it
 * only in the cycles it loads). data is in wire order, as the parse hands addresses and ports on:
 * byte 0 (the first byte on the wire) is the top byte, data[8*BYTE_COUNT-1 -: 8]. Each byte is fed
 * LSB first, as in the usual software CRC. crc_init is the register value before the first
 * byte and crc_out the register after the last byte (no final XOR): the standard CRC-32C is
 * ~crc_out with crc_init = 32'hFFFFFFFF ("123456789" gives 32'hE3069283).
 *
 * Implementation: the register is linear in (init, data), and for a reflected CRC over at least
 * four bytes the initial value acts exactly like an XOR into the first 32 message bits. So
 * crc_out is the XOR of the constant columns COL(p) of the message bits p that are set: output
 * bit j is the parity of the message bits whose column has bit j set.
 */
module l4lb_crc32c #(
    // Number of message bytes (at least 4)
    parameter BYTE_COUNT = 13,
    // the output bits computed (the others stay 0): a user of a few bits leaves the rest out of
    // the simulation too, not only out of the netlist
    parameter [31:0] OUT_BITS = 32'hFFFFFFFF
) (
    input  wire                    clk,
    input  wire                    en,
    input  wire [BYTE_COUNT*8-1:0] data,
    input  wire [31:0]             crc_init,
    output reg  [31:0]             crc_out
);

localparam BITS = BYTE_COUNT * 8;
localparam [31:0] POLY = 32'h82F63B78;

initial begin
    if (BYTE_COUNT < 4) begin
`ifdef SYNTHESIS
        $display("Error: l4lb_crc32c needs at least 4 bytes (instance %m)");
`else
        $error("Error: l4lb_crc32c needs at least 4 bytes (instance %m)");
`endif
        $finish;
    end
end

// Bit p of the message (bit p % 8 of byte p / 8) flips the final register by
// COL(p) = T^(BITS-1-p)(POLY), where T(v) = (v >> 1) ^ (v[0] ? POLY : 0) is one zero-input step.
// All columns, COL(p) at [32*p +: 32].
function [32*BITS-1:0] crc_columns;
    input [31:0] poly;
    integer p;
    reg [31:0] col;
    begin
        col = poly;
        for (p = BITS - 1; p >= 0; p = p - 1) begin
            crc_columns[32*p +: 32] = col;
            col = {1'b0, col[31:1]} ^ (col[0] ? poly : 32'h00000000);
        end
    end
endfunction

localparam [32*BITS-1:0] COLUMNS = crc_columns(POLY);

// the data bits that flip output bit j: bit j of COL(p) at the data bit that carries message
// bit p (byte p / 8 counted from the top; the byte order is only where the masks' bits sit)
function [BITS-1:0] out_mask;
    input integer j;
    integer p;
    begin
        for (p = 0; p < BITS; p = p + 1) begin
            out_mask[8 * (BYTE_COUNT - 1 - p / 8) + p % 8] = COLUMNS[32*p + j];
        end
    end
endfunction

// the bits of the initial value that flip output bit j: it XORs into message bits 0-31
function [31:0] init_mask;
    input integer j;
    integer k;
    begin
        for (k = 0; k < 32; k = k + 1) begin
            init_mask[k] = COLUMNS[32*k + j];
        end
    end
endfunction

initial begin
    crc_out = 32'd0;
end

// each output bit the XOR reduction of its message bits: a balanced tree per bit in synthesis
// (a chain of shared XORs mapped deeper), word-wide ANDs and parities in the simulator. One
// register process per bit, its mask a constant that Verilator folds into the code.
genvar gj;
generate
    for (gj = 0; gj < 32; gj = gj + 1) begin : out_bit
        localparam [BITS-1:0] MASK = out_mask(gj);
        localparam [31:0] INIT_MASK = init_mask(gj);
        // the initial value's own parity, so that the message needs no XOR before the masks
        // (nothing is computed outside the load)
        if (OUT_BITS[gj]) begin : used
            always @(posedge clk) begin
                if (en) begin
                    crc_out[gj] <= ^(data & MASK) ^ ^(crc_init & INIT_MASK);
                end
            end
        end
    end
endgenerate

endmodule

`resetall
