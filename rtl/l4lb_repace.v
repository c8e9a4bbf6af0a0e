// l4lb: re-pacing FIFO, releases each beat a fixed time after it entered the core
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * The l4lb core holds its pipeline while its input idles inside a frame and lets bubbles
 * through between frames (it needs a frame's last beat before the frame's first beat may
 * leave). Beats therefore leave it with other gaps than they arrived with: in-frame gaps of
 * one frame can turn into back-to-back beats of an earlier one. On Corundum's direct RX path
 * that is a burst the MAC never makes, and it can overflow the RX FIFO after the application
 * block.
 *
 * This module restores the MAC's timing. `now` is a free-running cycle count: the wrapper
 * stamps it on every beat that enters the core (in tuser, which the core carries with the
 * beat) and the core's output comes here with that stamp. Each beat waits in a FIFO and is
 * released DELAY cycles after its stamp, so the output repeats the input's spacing exactly,
 * DELAY cycles later, as long as the core delivered the beat in time (the core's latency is
 * ceil(MAX_LEN / BYTES) + a few tens of cycles, plus the cycles it held for in-frame gaps
 * within that window: DELAY must cover both). A beat that comes late (or is held back by the
 * downstream tready) goes out as soon as it can; `late_count` counts such beats.
 *
 * The FIFO holds the beats that have left the core but are not yet due: at most
 * DELAY - (core latency) + 2 of them. When it is full, the core is held (s_axis_tready low),
 * which loses nothing. Stamps are TS_WIDTH bits; ages up to 2^TS_WIDTH - 1 are told apart,
 * a beat held back longer than that by the downstream may wait up to DELAY cycles more.
 */
module l4lb_repace #(
    parameter DATA_WIDTH = 512,
    parameter KEEP_WIDTH = DATA_WIDTH/8,
    parameter USER_WIDTH = 1,
    // cycles from a beat's stamp to its release
    parameter DELAY = 256,
    // FIFO words (a power of two); the FIFO holds DEPTH + 1 beats with its head register
    parameter DEPTH = 128,
    // stamp width
    parameter TS_WIDTH = 12
) (
    input  wire                  clk,
    input  wire                  rst,

    // the stamp for a beat entering the core in this cycle
    output wire [TS_WIDTH-1:0]   now,

    // from the core
    input  wire [DATA_WIDTH-1:0] s_axis_tdata,
    input  wire [KEEP_WIDTH-1:0] s_axis_tkeep,
    input  wire                  s_axis_tvalid,
    output wire                  s_axis_tready,
    input  wire                  s_axis_tlast,
    input  wire [USER_WIDTH-1:0] s_axis_tuser,
    input  wire                  s_axis_tdest,
    input  wire [TS_WIDTH-1:0]   s_axis_tstamp,

    // paced output
    output wire [DATA_WIDTH-1:0] m_axis_tdata,
    output wire [KEEP_WIDTH-1:0] m_axis_tkeep,
    output wire                  m_axis_tvalid,
    input  wire                  m_axis_tready,
    output wire                  m_axis_tlast,
    output wire [USER_WIDTH-1:0] m_axis_tuser,
    output wire                  m_axis_tdest,

    // beats released later than DELAY after their stamp (16 bits, saturates at 65,535)
    output wire [31:0]           late_count
);

localparam WIDTH = DATA_WIDTH + KEEP_WIDTH + 1 + USER_WIDTH + 1 + TS_WIDTH;
localparam CNT_WIDTH = $clog2(DEPTH + 2);
localparam integer DELAY_INT = DELAY;
localparam [TS_WIDTH-1:0] DELAY_TS = DELAY_INT[TS_WIDTH-1:0];
localparam integer DEPTH_INT = DEPTH;
localparam [CNT_WIDTH-1:0] DEPTH_CNT = DEPTH_INT[CNT_WIDTH-1:0];

initial begin
    if (DELAY < 1 || DELAY >= (1 << (TS_WIDTH - 1))) begin
`ifdef SYNTHESIS
        $display("Error: DELAY must be in 1..2^(TS_WIDTH-1)-1 (instance %m)");
`else
        $error("Error: DELAY must be in 1..2^(TS_WIDTH-1)-1 (instance %m)");
`endif
        $finish;
    end
end

reg [TS_WIDTH-1:0]  now_reg = {TS_WIDTH{1'b0}};
// beats held: pushes minus pops (two counters, so that no path adds or subtracts after a pop)
reg [CNT_WIDTH-1:0] push_cnt_reg = {CNT_WIDTH{1'b0}};
reg [CNT_WIDTH-1:0] pop_cnt_reg = {CNT_WIDTH{1'b0}};
// s_axis_tready, registered from the count with two places to spare (it is a cycle late)
reg                 ready_reg = 1'b1;
reg [15:0]          late_count_reg = 16'd0;

wire [CNT_WIDTH-1:0] count = push_cnt_reg - pop_cnt_reg;

assign now = now_reg;
assign late_count = {16'd0, late_count_reg};

wire [WIDTH-1:0]    head;
wire                head_valid;
wire [TS_WIDTH-1:0] head_stamp;

assign {head_stamp, m_axis_tdest, m_axis_tuser, m_axis_tlast, m_axis_tkeep, m_axis_tdata} = head;

// age of the head beat: due at DELAY
wire [TS_WIDTH-1:0] age = now_reg - head_stamp;
wire                due = age >= DELAY_TS;
wire                late = age > DELAY_TS;

assign m_axis_tvalid = head_valid && due;
assign s_axis_tready = ready_reg;

wire push = s_axis_tvalid && s_axis_tready;
wire pop = m_axis_tvalid && m_axis_tready;

l4lb_fifo #(
    .WIDTH(WIDTH),
    .DEPTH(DEPTH)
)
fifo_inst (
    .clk(clk),
    .rst(rst),
    .wr_en(push),
    .wr_data({s_axis_tstamp, s_axis_tdest, s_axis_tuser, s_axis_tlast, s_axis_tkeep,
              s_axis_tdata}),
    .rd_en(pop),
    .rd_data(head),
    .rd_valid(head_valid)
);

always @(posedge clk) begin
    now_reg <= now_reg + 1'b1;

    if (push) begin
        push_cnt_reg <= push_cnt_reg + 1'b1;
    end
    if (pop) begin
        pop_cnt_reg <= pop_cnt_reg + 1'b1;
    end
    ready_reg <= count < DEPTH_CNT - 2;

    if (pop && late && late_count_reg != 16'hFFFF) begin
        late_count_reg <= late_count_reg + 1'b1;
    end

    if (rst) begin
        now_reg <= {TS_WIDTH{1'b0}};
        push_cnt_reg <= {CNT_WIDTH{1'b0}};
        pop_cnt_reg <= {CNT_WIDTH{1'b0}};
        ready_reg <= 1'b1;
        late_count_reg <= 16'd0;
    end
end

endmodule

`resetall
