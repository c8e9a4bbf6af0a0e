// l4lb: CRC-32C (Castagnoli) over a byte vector, one constant table per byte, into a register with a load enable
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
 * crc_out is the XOR of the constant columns COL(p) of the message bits p that are set. Grouped
 * by byte, that is the XOR of one entry per message byte of a 256-entry constant table (the
 * columns of the byte's set bits, XORed). Yosys and ABC map the tables back to XOR trees (the
 * same LUTs and four logic levels as the bit-wise parities, for 37 bytes); Verilator makes each
 * byte one load, where the parities took about 40 instructions per output bit.
 */
module l4lb_crc32c #(
    // Number of message bytes (at least 4)
    parameter BYTE_COUNT = 13,
    // the output bits computed (the others stay 0, and synthesis leaves them out)
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

// The table of a message byte whose eight bits have the columns cols (bit k's at [32*k +: 32]):
// entry v (at [32*v +: 32]) is the XOR of the columns of the set bits of v, only the computed
// output bits. One call per byte computes the whole table (Yosys evaluates constant functions
// slowly: one call per entry took minutes).
function [32*256-1:0] byte_table;
    input [255:0] cols;
    integer v;
    integer k;
    reg [31:0] t;
    begin
        for (v = 0; v < 256; v = v + 1) begin
            t = 32'd0;
            for (k = 0; k < 8; k = k + 1) begin
                if (v[k]) begin
                    t = t ^ cols[32*k +: 32];
                end
            end
            byte_table[32*v +: 32] = t & OUT_BITS;
        end
    end
endfunction

initial begin
    crc_out = 32'd0;
end

// One 256-word table per message byte: the register is the XOR of one word of each (the
// initial value XORs into the first four bytes). The tables are constants: logic in synthesis
// (each output bit a LUT function of its byte, then an XOR tree), one load per byte in the
// simulator. The XOR runs as a chain of single-use wires, which Verilator folds into the
// register's load, computed only when en is 1 (the simulator's build raises --gate-stmts so
// that it folds all 37 bytes, not only the last dozen).
genvar gi;
generate
    for (gi = 0; gi < BYTE_COUNT; gi = gi + 1) begin : msg_byte
        // byte gi is message bits 8*gi to 8*gi+7
        localparam [32*256-1:0] TABLE = byte_table(COLUMNS[256*gi +: 256]);
        (* rom_style = "logic" *)
        reg [31:0] table_rom [0:255];
        integer v;
        initial begin
            for (v = 0; v < 256; v = v + 1) begin
                table_rom[v] = TABLE[32*v +: 32];
            end
        end
        wire [7:0] b;
        wire [31:0] acc;
        if (gi < 4) begin : with_init
            assign b = data[8*(BYTE_COUNT-1-gi) +: 8] ^ crc_init[8*gi +: 8];
        end else begin : data_only
            assign b = data[8*(BYTE_COUNT-1-gi) +: 8];
        end
        if (gi == 0) begin : first
            assign acc = table_rom[b];
        end else begin : next
            assign acc = msg_byte[gi-1].acc ^ table_rom[b];
        end
    end
endgenerate

always @(posedge clk) begin
    if (en) begin
        crc_out <= msg_byte[BYTE_COUNT-1].acc;
    end
end

endmodule

`resetall
