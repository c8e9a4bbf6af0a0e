// l4lb: frame delay line, a block RAM ring buffer of beats
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Every advance writes the input slot (a beat, or a bubble with in_valid = 0) and moves the
 * ring on by one; the registered output shows the slot written DEPTH advances earlier. The read
 * address is one ahead of the write address, so the RAM never reads and writes one address in
 * the same cycle. Slots not yet written since reset read as bubbles.
 */
module l4lb_delay #(
    // Width of the AXI stream data in bits
    parameter DATA_WIDTH = 512,
    // Width of tkeep
    parameter KEEP_WIDTH = DATA_WIDTH/8,
    // Width of tuser
    parameter USER_WIDTH = 1,
    // Delay in advances (RAM words), at least 2
    parameter DEPTH = 160
) (
    input  wire                  clk,
    input  wire                  rst,

    // pipeline advance
    input  wire                  adv,

    input  wire                  in_valid,
    input  wire [DATA_WIDTH-1:0] in_data,
    input  wire [KEEP_WIDTH-1:0] in_keep,
    input  wire                  in_last,
    input  wire [USER_WIDTH-1:0] in_user,

    output wire                  out_valid,
    output wire [DATA_WIDTH-1:0] out_data,
    output wire [KEEP_WIDTH-1:0] out_keep,
    output wire                  out_last,
    output wire [USER_WIDTH-1:0] out_user
);

localparam ADDR_WIDTH = $clog2(DEPTH);
localparam WIDTH = 1 + DATA_WIDTH + KEEP_WIDTH + 1 + USER_WIDTH;
localparam integer LAST_ADDR_INT = DEPTH - 1;
localparam [ADDR_WIDTH-1:0] LAST_ADDR = LAST_ADDR_INT[ADDR_WIDTH-1:0];

reg [ADDR_WIDTH-1:0] wr_addr_reg = {ADDR_WIDTH{1'b0}};
reg [ADDR_WIDTH-1:0] rd_addr_reg = {{ADDR_WIDTH-1{1'b0}}, 1'b1};
// every slot has been written since reset
reg                  filled_reg = 1'b0;
// the slot on the output was written since reset
reg                  out_filled_reg = 1'b0;

wire [WIDTH-1:0] rd_word;
wire             rd_valid;

// data first, so that it sits word-aligned in the simulator
assign {rd_valid, out_last, out_user, out_keep, out_data} = rd_word;
assign out_valid = rd_valid && out_filled_reg;

l4lb_ram_sdp #(
    .WIDTH(WIDTH),
    .DEPTH(DEPTH),
    .ADDR_WIDTH(ADDR_WIDTH)
)
ram_inst (
    .clk(clk),
    .wr_en(adv),
    .wr_addr(wr_addr_reg),
    .wr_data({in_valid, in_last, in_user, in_keep, in_data}),
    .rd_en(adv),
    .rd_addr(rd_addr_reg),
    .rd_data(rd_word)
);

always @(posedge clk) begin
    if (adv) begin
        wr_addr_reg <= (wr_addr_reg == LAST_ADDR) ? {ADDR_WIDTH{1'b0}} : wr_addr_reg + 1'b1;
        rd_addr_reg <= (rd_addr_reg == LAST_ADDR) ? {ADDR_WIDTH{1'b0}} : rd_addr_reg + 1'b1;
        // once the read address has wrapped to 0 it reads only written slots
        if (rd_addr_reg == LAST_ADDR) begin
            filled_reg <= 1'b1;
        end
        out_filled_reg <= filled_reg;
    end

    if (rst) begin
        wr_addr_reg <= {ADDR_WIDTH{1'b0}};
        rd_addr_reg <= {{ADDR_WIDTH-1{1'b0}}, 1'b1};
        filled_reg <= 1'b0;
        out_filled_reg <= 1'b0;
    end
end

endmodule

`resetall
