// l4lb: a table of 64-bit {frames, bytes} counters in block RAM, one entry per index
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * COUNT entries of two 64-bit counters (frames, bytes), updated by one event per cycle at most
 * and read by the host; l4lb_counters keeps one table per VIP and one per backend entry.
 *
 * Update: read-modify-write over four stages (A read, B select with forwarding from the three
 * updates ahead, C add, W write). Each counter is stored carry-save so that no carry chain is
 * longer than 16 bits (l4lb_cs_add.vh).
 *
 * The RAM is duplicated so that the host has its own read port.
 *
 * Reset clears the table at once: an entry reads as 0 until it is written after reset. Which
 * entries were is kept in two levels, so that no flip-flop per entry is needed: the entries
 * form groups of GRP, a flip-flop per group (cleared by reset) says whether the group was
 * written since, and a small RAM holds a word per group with a bit per entry, valid only when
 * the group's flip-flop is set. The first write to a group after reset writes its word afresh.
 * The word is read, forwarded and written in the same stages as the counters.
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
// written bits: groups of GRP entries (the low W_LO index bits pick the entry in its group)
localparam W_LO = IDX_WIDTH < 6 ? IDX_WIDTH : 6;
localparam GRP = 1 << W_LO;
localparam W_HI = IDX_WIDTH - W_LO;
localparam GROUPS = 1 << W_HI;
localparam G_WIDTH = W_HI > 0 ? W_HI : 1;

// a carry-save counter plus an increment of up to 32 bits
`include "l4lb_cs_add.vh"

// group written since reset, a flip-flop per group
reg [GROUPS-1:0]    grp_valid_reg = {GROUPS{1'b0}};
integer             g;

// stage B
reg                 b_valid_reg = 1'b0;
reg [IDX_WIDTH-1:0] b_idx_reg = {IDX_WIDTH{1'b0}};
reg [31:0]          b_bytes_reg = 32'd0;
reg                 b_grp_valid_reg = 1'b0;
// the compares of the forwarding, made a cycle early (against the entries then in B, C and W,
// which are in C, W and X when they are used)
reg                 b_same_c_reg = 1'b0;
reg                 b_same_w_reg = 1'b0;
reg                 b_same_x_reg = 1'b0;
reg                 b_grp_c_reg = 1'b0;
reg                 b_grp_w_reg = 1'b0;
reg                 b_grp_x_reg = 1'b0;
// stage C
reg                 c_valid_reg = 1'b0;
reg [IDX_WIDTH-1:0] c_idx_reg = {IDX_WIDTH{1'b0}};
reg [31:0]          c_bytes_reg = 32'd0;
reg [ENTRY-1:0]     c_base_reg = {ENTRY{1'b0}};
reg [GRP-1:0]       c_word_reg = {GRP{1'b0}};
// host reads, cycle 1
reg                 h_re_reg = 1'b0;
reg [IDX_WIDTH-1:0] h_idx_reg = {IDX_WIDTH{1'b0}};
// stage W: the updated entry and its group's word, written to the RAMs at the end of the cycle
reg                 w_valid_reg = 1'b0;
reg [IDX_WIDTH-1:0] w_idx_reg = {IDX_WIDTH{1'b0}};
reg [ENTRY-1:0]     w_data_reg = {ENTRY{1'b0}};
reg [GRP-1:0]       w_word_reg = {GRP{1'b0}};
// stage X: the write of the previous cycle (a read in that cycle got the old word)
reg                 x_valid_reg = 1'b0;
reg [ENTRY-1:0]     x_data_reg = {ENTRY{1'b0}};
reg [GRP-1:0]       x_word_reg = {GRP{1'b0}};

wire [ENTRY-1:0] b_ram;
wire [GRP-1:0]   b_word_ram;

// the group of an index (0 when the table is a single group)
wire [G_WIDTH-1:0] ev_grp, b_grp, c_grp, w_grp, h_grp, host_grp;
generate
    if (W_HI > 0) begin : grp
        assign ev_grp = ev_idx[IDX_WIDTH-1 -: G_WIDTH];
        assign b_grp = b_idx_reg[IDX_WIDTH-1 -: G_WIDTH];
        assign c_grp = c_idx_reg[IDX_WIDTH-1 -: G_WIDTH];
        assign w_grp = w_idx_reg[IDX_WIDTH-1 -: G_WIDTH];
        assign h_grp = h_idx_reg[IDX_WIDTH-1 -: G_WIDTH];
        assign host_grp = host_idx[IDX_WIDTH-1 -: G_WIDTH];
    end else begin : one_grp
        assign ev_grp = 1'b0;
        assign b_grp = 1'b0;
        assign c_grp = 1'b0;
        assign w_grp = 1'b0;
        assign h_grp = 1'b0;
        assign host_grp = 1'b0;
    end
endgenerate

l4lb_ram_sdp #(
    .WIDTH(ENTRY),
    .DEPTH(COUNT),
    .ADDR_WIDTH(IDX_WIDTH)
)
ram_inst (
    .clk(clk),
    .wr_en(w_valid_reg),
    .wr_addr(w_idx_reg),
    .wr_data(w_data_reg),
    .rd_en(ev_valid),
    .rd_addr(ev_idx),
    .rd_data(b_ram)
);

l4lb_ram_sdp #(
    .WIDTH(GRP),
    .DEPTH(GROUPS),
    .ADDR_WIDTH(G_WIDTH)
)
word_ram_inst (
    .clk(clk),
    .wr_en(w_valid_reg),
    .wr_addr(w_grp),
    .wr_data(w_word_reg),
    .rd_en(ev_valid),
    .rd_addr(ev_grp),
    .rd_data(b_word_ram)
);

// Every value below is computed in the branch of the stage that uses it, so that the simulator
// computes it only for an update (the RAMs' write data are registers for the same reason).
always @(posedge clk) begin : update
    reg [ENTRY-1:0] c_new;      // stage C's entry after its add
    reg [GRP-1:0]   c_word_new; // and its group's word with the entry's bit set
    reg             b_written;  // stage B's entry was written since reset
    c_new = {ENTRY{1'b0}};
    c_word_new = {GRP{1'b0}};
    b_written = 1'b0;

    x_valid_reg <= w_valid_reg;
    if (w_valid_reg) begin
        x_data_reg <= w_data_reg;
        x_word_reg <= w_word_reg;
        // (a compare per group: an indexed bit write costs a carry chain in Yosys)
        for (g = 0; g < GROUPS; g = g + 1) begin
            if (w_grp == g[G_WIDTH-1:0]) begin
                grp_valid_reg[g] <= 1'b1;
            end
        end
    end

    w_valid_reg <= c_valid_reg;
    if (c_valid_reg) begin
        c_new = {cs_add(c_base_reg[2*CS-1:CS], c_bytes_reg), cs_add(c_base_reg[CS-1:0], 32'd1)};
        c_word_new = c_word_reg | ({{GRP-1{1'b0}}, 1'b1} << c_idx_reg[W_LO-1:0]);
        w_idx_reg <= c_idx_reg;
        w_data_reg <= c_new;
        w_word_reg <= c_word_new;
    end

    c_valid_reg <= b_valid_reg;
    if (b_valid_reg) begin
        c_idx_reg <= b_idx_reg;
        c_bytes_reg <= b_bytes_reg;
        // the group's written bits, with the three updates ahead forwarded; the entry's own bit
        // picked from each source in parallel (the own bit of an update ahead does not matter
        // when that update is this entry: it is forwarded whole below)
        if (c_valid_reg && b_grp_c_reg) begin
            c_word_reg <= c_word_new;
            b_written = c_word_reg[b_idx_reg[W_LO-1:0]];
        end else if (w_valid_reg && b_grp_w_reg) begin
            c_word_reg <= w_word_reg;
            b_written = w_word_reg[b_idx_reg[W_LO-1:0]];
        end else if (x_valid_reg && b_grp_x_reg) begin
            c_word_reg <= x_word_reg;
            b_written = x_word_reg[b_idx_reg[W_LO-1:0]];
        end else if (b_grp_valid_reg) begin
            c_word_reg <= b_word_ram;
            b_written = b_word_ram[b_idx_reg[W_LO-1:0]];
        end else begin
            c_word_reg <= {GRP{1'b0}};
        end
        if (c_valid_reg && b_same_c_reg) begin
            c_base_reg <= c_new;
        end else if (w_valid_reg && b_same_w_reg) begin
            c_base_reg <= w_data_reg;
        end else if (x_valid_reg && b_same_x_reg) begin
            c_base_reg <= x_data_reg;
        end else begin
            c_base_reg <= b_written ? b_ram : {ENTRY{1'b0}};
        end
    end

    b_valid_reg <= ev_valid;
    if (ev_valid) begin
        b_idx_reg <= ev_idx;
        b_bytes_reg <= ev_bytes;
        b_grp_valid_reg <= grp_valid_reg[ev_grp];
        b_same_c_reg <= ev_idx == b_idx_reg;
        b_same_w_reg <= ev_idx == c_idx_reg;
        b_same_x_reg <= ev_idx == w_idx_reg;
        b_grp_c_reg <= ev_grp == b_grp;
        b_grp_w_reg <= ev_grp == c_grp;
        b_grp_x_reg <= ev_grp == w_grp;
    end

    if (rst) begin
        b_valid_reg <= 1'b0;
        c_valid_reg <= 1'b0;
        w_valid_reg <= 1'b0;
        x_valid_reg <= 1'b0;
        grp_valid_reg <= {GROUPS{1'b0}};
    end
end

/*
 * Host reads: cycle 0 registers the request and the group's flip-flop, cycle 1 reads the
 * counter RAM and the group's word, cycle 2 has both and picks the entry's bit
 */
reg                 h_grp_valid_reg = 1'b0;
reg                 r_grp_valid_reg = 1'b0;
reg [W_LO-1:0]      r_bit_reg = {W_LO{1'b0}};
wire [GRP-1:0]      r_word;

assign host_written = r_grp_valid_reg && r_word[r_bit_reg];

l4lb_ram_sdp #(
    .WIDTH(ENTRY),
    .DEPTH(COUNT),
    .ADDR_WIDTH(IDX_WIDTH)
)
host_ram_inst (
    .clk(clk),
    .wr_en(w_valid_reg),
    .wr_addr(w_idx_reg),
    .wr_data(w_data_reg),
    .rd_en(h_re_reg),
    .rd_addr(h_idx_reg),
    .rd_data(host_entry)
);

l4lb_ram_sdp #(
    .WIDTH(GRP),
    .DEPTH(GROUPS),
    .ADDR_WIDTH(G_WIDTH)
)
host_word_ram_inst (
    .clk(clk),
    .wr_en(w_valid_reg),
    .wr_addr(w_grp),
    .wr_data(w_word_reg),
    .rd_en(h_re_reg),
    .rd_addr(h_grp),
    .rd_data(r_word)
);

always @(posedge clk) begin
    h_re_reg <= host_re && host_sel;
    if (host_re) begin
        h_idx_reg <= host_idx;
        h_grp_valid_reg <= grp_valid_reg[host_grp];
    end
    if (h_re_reg) begin
        r_grp_valid_reg <= h_grp_valid_reg;
        r_bit_reg <= h_idx_reg[W_LO-1:0];
    end
    if (rst) begin
        h_re_reg <= 1'b0;
        r_grp_valid_reg <= 1'b0;
    end
end

endmodule

`resetall
