// l4lb: a table of 64-bit {frames, bytes} counters in block RAM, one entry per index
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * COUNT entries of two 64-bit counters (frames, bytes), updated by one event per cycle at most
 * and read by the host; l4lb_counters keeps one table per VIP and one per backend entry.
 *
 * Update: read-modify-write over three stages (A read, B select with forwarding from the two
 * updates ahead, C add and write). Each counter is stored carry-save so that no carry chain is
 * longer than 16 bits: four 16-bit segments and the carries out of the lower three, not yet added
 * to the segment above (value = segments + carries << 16 * (k + 1)). An update adds to each
 * segment its part of the increment and the pending carry of the segment below.
 *
 * The RAM is duplicated so that the host has its own read port, and a bit per entry marks
 * entries written since reset (the others read as 0), so reset clears the table at once.
 *
 * Host read: host_re with host_sel (this table is addressed) and host_idx in cycle 0; the entry
 * (carry-save, {bytes, frames}) and its written bit are on host_entry / host_written in cycle 2.
 * The caller resolves the carries (l4lb_counters).
 */
module l4lb_entry_counters #(
    // entries
    parameter COUNT = 256,
    // index width
    parameter IDX_WIDTH = 8
) (
    input  wire                 clk,
    input  wire                 rst,

    // count event: one frame of ev_bytes for entry ev_idx
    input  wire                 ev_valid,
    input  wire [IDX_WIDTH-1:0] ev_idx,
    input  wire [31:0]          ev_bytes,

    // host reads
    input  wire                 host_re,
    input  wire                 host_sel,
    input  wire [IDX_WIDTH-1:0] host_idx,
    output wire [2*67-1:0]      host_entry,
    output wire                 host_written
);

localparam CS = 67;
localparam ENTRY = 2 * CS;
// written bits are looked up in groups of GRP: the group in stage A, the bit in stage B
localparam W_LO = IDX_WIDTH < 4 ? IDX_WIDTH : 4;
localparam GRP = 1 << W_LO;
localparam [IDX_WIDTH-1:0] GRP_MASK = GRP - 1;

// a carry-save counter plus an increment of up to 32 bits; every adder is 16 bits plus carry
// in, as {segment, 1} + {part, carry}
function [CS-1:0] cs_add;
    input [CS-1:0] c;
    input [31:0]   x;
    /* verilator lint_off UNUSEDSIGNAL */ reg [17:0] s0, s1, s2, s3; /* verilator lint_on UNUSEDSIGNAL */ // bit 0 is the constant carry-in trick, s3's carry out is dropped (mod 2^64)
    begin
        s0 = {1'b0, c[15:0], 1'b1} + {1'b0, x[15:0], 1'b0};
        s1 = {1'b0, c[31:16], 1'b1} + {1'b0, x[31:16], c[64]};
        s2 = {1'b0, c[47:32], 1'b1} + {1'b0, 16'd0, c[65]};
        s3 = {1'b0, c[63:48], 1'b1} + {1'b0, 16'd0, c[66]};
        cs_add = {s2[17], s1[17], s0[17], s3[16:1], s2[16:1], s1[16:1], s0[16:1]};
    end
endfunction

wire [COUNT-1:0] written;

// stage B
reg                 b_valid_reg = 1'b0;
reg [IDX_WIDTH-1:0] b_idx_reg = {IDX_WIDTH{1'b0}};
reg [31:0]          b_bytes_reg = 32'd0;
// the written bits of the group of entries ev_idx is in (the select split over two stages)
reg [GRP-1:0]       b_written_grp_reg = {GRP{1'b0}};
// stage C
reg                 c_valid_reg = 1'b0;
reg [IDX_WIDTH-1:0] c_idx_reg = {IDX_WIDTH{1'b0}};
reg [31:0]          c_bytes_reg = 32'd0;
reg [ENTRY-1:0]     c_base_reg = {ENTRY{1'b0}};
// the write of the previous cycle
reg                 w_valid_reg = 1'b0;
reg [IDX_WIDTH-1:0] w_idx_reg = {IDX_WIDTH{1'b0}};
reg [ENTRY-1:0]     w_data_reg = {ENTRY{1'b0}};

wire [GRP-1:0] a_written_grp = written[ev_idx & ~GRP_MASK +: GRP];
wire b_written = b_written_grp_reg[b_idx_reg[W_LO-1:0]];

wire [ENTRY-1:0] b_ram;
wire [ENTRY-1:0] c_new = {cs_add(c_base_reg[2*CS-1:CS], c_bytes_reg), cs_add(c_base_reg[CS-1:0], 32'd1)};

l4lb_ram_sdp #(
    .WIDTH(ENTRY),
    .DEPTH(COUNT),
    .ADDR_WIDTH(IDX_WIDTH)
)
ram_inst (
    .clk(clk),
    .wr_en(c_valid_reg),
    .wr_addr(c_idx_reg),
    .wr_data(c_new),
    .rd_en(ev_valid),
    .rd_addr(ev_idx),
    .rd_data(b_ram)
);

always @(posedge clk) begin
    b_valid_reg <= ev_valid;
    if (ev_valid) begin
        b_idx_reg <= ev_idx;
        b_bytes_reg <= ev_bytes;
        b_written_grp_reg <= a_written_grp;
    end

    c_valid_reg <= b_valid_reg;
    if (b_valid_reg) begin
        c_idx_reg <= b_idx_reg;
        c_bytes_reg <= b_bytes_reg;
        if (c_valid_reg && c_idx_reg == b_idx_reg) begin
            c_base_reg <= c_new;
        end else if (w_valid_reg && w_idx_reg == b_idx_reg) begin
            c_base_reg <= w_data_reg;
        end else begin
            c_base_reg <= b_written ? b_ram : {ENTRY{1'b0}};
        end
    end

    w_valid_reg <= c_valid_reg;
    if (c_valid_reg) begin
        w_idx_reg <= c_idx_reg;
        w_data_reg <= c_new;
    end

    if (rst) begin
        b_valid_reg <= 1'b0;
        c_valid_reg <= 1'b0;
        w_valid_reg <= 1'b0;
    end
end

// one bit per entry: written since reset. Kept in groups of GRP bits: a group decodes its low
// index bits when the high bits select it (each bit's enable is still a compare of the whole
// index, and the simulator tests COUNT / GRP groups a cycle, not every bit).
localparam GROUPS = COUNT / GRP;
localparam W_HI = IDX_WIDTH - W_LO;
localparam W_HI_1 = W_HI > 0 ? W_HI : 1;
genvar gv;
generate
    for (gv = 0; gv < GROUPS; gv = gv + 1) begin : written_grp
        localparam integer GROUP_INT = gv;
        reg [GRP-1:0] bits_reg = {GRP{1'b0}};
        wire          sel;
        if (W_HI > 0) begin : hi
            assign sel = c_idx_reg[IDX_WIDTH-1 -: W_HI_1] == GROUP_INT[W_HI_1-1:0];
        end else begin : all
            assign sel = 1'b1;
        end
        always @(posedge clk) begin
            if (c_valid_reg && sel) begin
                bits_reg <= bits_reg | ({{GRP-1{1'b0}}, 1'b1} << c_idx_reg[W_LO-1:0]);
            end
            if (rst) begin
                bits_reg <= {GRP{1'b0}};
            end
        end
        assign written[gv*GRP +: GRP] = bits_reg;
    end
endgenerate

/*
 * Host reads: cycle 0 registers the request and the written bits of the entry's group, cycle 1
 * reads the RAM and picks the bit, cycle 2 has both
 */
reg                 h_re_reg = 1'b0;
reg [IDX_WIDTH-1:0] h_idx_reg = {IDX_WIDTH{1'b0}};
reg [GRP-1:0]       h_written_grp_reg = {GRP{1'b0}};
reg                 r_written_reg = 1'b0;

assign host_written = r_written_reg;

l4lb_ram_sdp #(
    .WIDTH(ENTRY),
    .DEPTH(COUNT),
    .ADDR_WIDTH(IDX_WIDTH)
)
host_ram_inst (
    .clk(clk),
    .wr_en(c_valid_reg),
    .wr_addr(c_idx_reg),
    .wr_data(c_new),
    .rd_en(h_re_reg),
    .rd_addr(h_idx_reg),
    .rd_data(host_entry)
);

always @(posedge clk) begin
    h_re_reg <= host_re && host_sel;
    if (host_re) begin
        h_idx_reg <= host_idx;
        h_written_grp_reg <= written[host_idx & ~GRP_MASK +: GRP];
    end
    r_written_reg <= h_re_reg && h_written_grp_reg[h_idx_reg[W_LO-1:0]];
    if (rst) begin
        h_re_reg <= 1'b0;
        r_written_reg <= 1'b0;
    end
end

endmodule

`resetall
