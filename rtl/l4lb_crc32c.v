// l4lb: combinational CRC-32C (Castagnoli) over a byte vector, as an XOR tree
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * CRC-32C, reflected (polynomial 0x1EDC6F41, reflected 0x82F63B78), over BYTE_COUNT bytes in
 * one combinational step. Byte 0 (the first byte on the wire) is data[7:0]; each byte is fed
 * LSB first, as in the usual software CRC. crc_init is the register value before the first
 * byte and crc_out the register after the last byte (no final XOR): the standard CRC-32C is
 * ~crc_out with crc_init = 32'hFFFFFFFF ("123456789" gives 32'hE3069283).
 *
 * Implementation: the register is linear in (init, data), and for a reflected CRC over at least
 * four bytes the initial value acts exactly like an XOR into the first 32 message bits. So
 * crc_out is the XOR of the constant columns COL(p) of the message bits p that are set; after
 * constant propagation every output bit is an XOR tree over the message bits. Grouping the
 * columns by byte keeps the simulation cheap (an AND and an XOR per bit, no wide reductions, and
 * no data-dependent branch in the simulator's C++).
 */
module l4lb_crc32c #(
    // Number of message bytes (at least 4)
    parameter BYTE_COUNT = 13
) (
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

wire [BITS-1:0] msg = data ^ {{BITS-32{1'b0}}, crc_init};

// per byte: the XOR of its set bits' columns
wire [32*BYTE_COUNT-1:0] byte_terms;

genvar gb;
generate
    for (gb = 0; gb < BYTE_COUNT; gb = gb + 1) begin : byte_term
        localparam [255:0] COL = COLUMNS[256*gb +: 256];
        wire [7:0] m = msg[8*gb +: 8];

        reg [31:0] term;
        integer k;
        always @* begin
            term = 32'd0;
            for (k = 0; k < 8; k = k + 1) begin
                term = term ^ (COL[32*k +: 32] & {32{m[k]}});
            end
        end
        assign byte_terms[32*gb +: 32] = term;
    end
endgenerate

// the byte terms XORed as a balanced tree: level 0 holds the BYTE_COUNT terms, each level XORs
// pairs of the level below (an odd one out passes up), the last level holds the CRC
localparam LEVELS = $clog2(BYTE_COUNT);

genvar gl, gn;
generate
    for (gl = 0; gl <= LEVELS; gl = gl + 1) begin : lvl
        localparam integer N = (BYTE_COUNT + (1 << gl) - 1) >> gl;
        wire [32*N-1:0] v;
        if (gl == 0) begin : terms
            assign v = byte_terms;
        end else begin : pairs
            localparam integer N_BELOW = (BYTE_COUNT + (1 << (gl - 1)) - 1) >> (gl - 1);
            for (gn = 0; gn < N; gn = gn + 1) begin : x
                if (2 * gn + 1 < N_BELOW) begin : pair
                    assign v[32*gn +: 32] = lvl[gl-1].v[32*2*gn +: 32] ^ lvl[gl-1].v[32*(2*gn+1) +: 32];
                end else begin : single
                    assign v[32*gn +: 32] = lvl[gl-1].v[32*2*gn +: 32];
                end
            end
        end
    end
endgenerate

always @* begin
    crc_out = lvl[LEVELS].v[31:0];
end

endmodule

`resetall
