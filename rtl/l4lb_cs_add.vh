// l4lb: add to a carry-save 64-bit counter, a function to include
//
// A counter of CS = 67 bits: four 16-bit segments (bits 63:0) and the carries out of the lower
// three (bits 66:64, the carry out of segment k at bit 64 + k), not yet added to the segment
// above; its value is the segments plus carry k << 16 (k + 1). An add puts into each segment its
// part of the increment and the pending carry of the segment below, so that no carry chain is
// longer than 16 bits (each adder is {segment, 1} + {part, carry}: the carry in through bit 0).
// The carry out of the top segment is dropped (mod 2^64). l4lb_counters resolves the carries
// when the host reads a counter.

// (l4lb_counters and l4lb_entry_counters, which it instantiates, both include this file: when
// the child is inlined, its copy hides the parent's: the same function)
/* verilator lint_off VARHIDDEN */ function [66:0] cs_add; /* verilator lint_on VARHIDDEN */
    input [66:0] c;
    input [31:0] x;
    /* verilator lint_off UNUSEDSIGNAL */ reg [17:0] s0, s1, s2, s3; /* verilator lint_on UNUSEDSIGNAL */ // bit 0 is the constant carry-in trick, s3's carry out is dropped (mod 2^64)
    begin
        s0 = {1'b0, c[15:0], 1'b1} + {1'b0, x[15:0], 1'b0};
        s1 = {1'b0, c[31:16], 1'b1} + {1'b0, x[31:16], c[64]};
        s2 = {1'b0, c[47:32], 1'b1} + {1'b0, 16'd0, c[65]};
        s3 = {1'b0, c[63:48], 1'b1} + {1'b0, 16'd0, c[66]};
        cs_add = {s2[17], s1[17], s0[17], s3[16:1], s2[16:1], s1[16:1], s0[16:1]};
    end
endfunction
