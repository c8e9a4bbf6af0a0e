// tb_l4lb: Icarus Verilog testbench that replays vector files written by `l4lb-sim vectors`
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Reads, from the folder given by +dir=<path>:
 *   regs.hex    one AXI-Lite write per line: "<addr> <data>" (hex), the driver's writes that
 *               program the device from its config
 *   in.hex      first line "<frames> <beats>" (decimal), then one input beat per line:
 *               "<tlast> <tuser> <tkeep> <tdata>" (hex, tdata as a DATA_WIDTH-bit number: lane 0
 *               is tdata[7:0], the frame's first byte)
 * Writes out.txt: one line per output frame, "<latency> <tdest> <bytes in wire order> <tuser>"
 * (tuser of the last beat),
 * the same format `l4lb-sim vectors` writes for the Verilator run (verilator.txt), so the two
 * compare byte for byte. Latency is the cycle of the frame's first output beat minus the cycle
 * of its first input beat. Input beats are driven back to back; the output is always ready.
 */
module tb_l4lb #(
    // AXI-Stream data width of the l4lb instance
    parameter DATA_WIDTH = 512,
    // Cycles without an output beat (while frames are pending) after which the run fails
    parameter HANG_CYCLES = 100000,
    // Frames whose input cycle can be pending at once (more than the pipeline holds)
    parameter INFLIGHT = 4096
) ();

localparam KEEP_WIDTH = DATA_WIDTH / 8;
localparam AXIL_ADDR_WIDTH = 24;

reg clk = 1'b0;
reg rst = 1'b1;
always #2 clk = ~clk;

reg  [DATA_WIDTH-1:0]      s_axis_tdata = {DATA_WIDTH{1'b0}};
reg  [KEEP_WIDTH-1:0]      s_axis_tkeep = {KEEP_WIDTH{1'b0}};
reg                        s_axis_tvalid = 1'b0;
wire                       s_axis_tready;
reg                        s_axis_tlast = 1'b0;
reg                        s_axis_tuser = 1'b0;
wire [DATA_WIDTH-1:0]      m_axis_tdata;
wire [KEEP_WIDTH-1:0]      m_axis_tkeep;
wire                       m_axis_tvalid;
wire                       m_axis_tlast;
wire                       m_axis_tuser;
wire                       m_axis_tdest;
reg  [AXIL_ADDR_WIDTH-1:0] axil_awaddr = {AXIL_ADDR_WIDTH{1'b0}};
reg                        axil_awvalid = 1'b0;
wire                       axil_awready;
reg  [31:0]                axil_wdata = 32'd0;
reg                        axil_wvalid = 1'b0;
wire                       axil_wready;
wire [1:0]                 axil_bresp;
wire                       axil_bvalid;
reg                        axil_bready = 1'b0;
wire                       axil_arready;
wire [31:0]                axil_rdata;
wire [1:0]                 axil_rresp;
wire                       axil_rvalid;

l4lb #(
    .DATA_WIDTH(DATA_WIDTH)
) dut (
    .clk(clk),
    .rst(rst),
    .s_axis_tdata(s_axis_tdata),
    .s_axis_tkeep(s_axis_tkeep),
    .s_axis_tvalid(s_axis_tvalid),
    .s_axis_tready(s_axis_tready),
    .s_axis_tlast(s_axis_tlast),
    .s_axis_tuser(s_axis_tuser),
    .m_axis_tdata(m_axis_tdata),
    .m_axis_tkeep(m_axis_tkeep),
    .m_axis_tvalid(m_axis_tvalid),
    .m_axis_tready(1'b1),
    .m_axis_tlast(m_axis_tlast),
    .m_axis_tuser(m_axis_tuser),
    .m_axis_tdest(m_axis_tdest),
    .s_axil_awaddr(axil_awaddr),
    .s_axil_awprot(3'd0),
    .s_axil_awvalid(axil_awvalid),
    .s_axil_awready(axil_awready),
    .s_axil_wdata(axil_wdata),
    .s_axil_wstrb(4'hf),
    .s_axil_wvalid(axil_wvalid),
    .s_axil_wready(axil_wready),
    .s_axil_bresp(axil_bresp),
    .s_axil_bvalid(axil_bvalid),
    .s_axil_bready(axil_bready),
    .s_axil_araddr({AXIL_ADDR_WIDTH{1'b0}}),
    .s_axil_arprot(3'd0),
    .s_axil_arvalid(1'b0),
    .s_axil_arready(axil_arready),
    .s_axil_rdata(axil_rdata),
    .s_axil_rresp(axil_rresp),
    .s_axil_rvalid(axil_rvalid),
    .s_axil_rready(1'b1),
    .hairpin_map()
);

reg [1023:0] dir;
integer fd_regs, fd_in, fd_out, rc;
integer frames_total, beats_total, beats_read;
reg [31:0] w_addr, w_data;
integer n_writes;
reg w_done;

// cycle counter: rising edges since reset was released
reg [63:0] cycle = 64'd0;
reg counting = 1'b0;
always @(posedge clk) if (counting) cycle <= cycle + 64'd1;

// input cycles of frames in flight, by frame number modulo INFLIGHT
reg [63:0] in_cycle [0:INFLIGHT-1];
integer frames_in = 0, frames_out = 0, quiet = 0;
reg in_first = 1'b1, out_first = 1'b1;
integer i;

// next input beat
reg [DATA_WIDTH-1:0] n_data;
reg [KEEP_WIDTH-1:0] n_keep;
reg n_last, n_user;
reg streaming = 1'b0;

task read_beat;
    begin
        if (beats_read < beats_total) begin
            rc = $fscanf(fd_in, "%h %h %h %h\n", n_last, n_user, n_keep, n_data);
            if (rc != 4) begin
                $display("error: in.hex: beat %0d is malformed", beats_read);
                $finish;
            end
            beats_read = beats_read + 1;
            s_axis_tdata <= n_data;
            s_axis_tkeep <= n_keep;
            s_axis_tlast <= n_last;
            s_axis_tuser <= n_user;
            s_axis_tvalid <= 1'b1;
        end else begin
            s_axis_tvalid <= 1'b0;
        end
    end
endtask

// the input side: back to back, a new beat whenever the current one is taken
always @(posedge clk) begin
    if (streaming && s_axis_tvalid && s_axis_tready) begin
        if (in_first) begin
            in_cycle[frames_in % INFLIGHT] = cycle;
        end
        in_first = s_axis_tlast;
        if (s_axis_tlast) frames_in = frames_in + 1;
        read_beat;
    end
end

// the output side: one line per frame
always @(posedge clk) begin
    if (streaming) begin
        if (m_axis_tvalid) begin
            quiet = 0;
            if (out_first) begin
                $fwrite(fd_out, "%0d %0d ", cycle - in_cycle[frames_out % INFLIGHT], m_axis_tdest);
            end
            for (i = 0; i < KEEP_WIDTH; i = i + 1) begin
                if (m_axis_tkeep[i]) $fwrite(fd_out, "%02x", m_axis_tdata[i*8 +: 8]);
            end
            out_first = m_axis_tlast;
            if (m_axis_tlast) begin
                $fwrite(fd_out, " %0d\n", m_axis_tuser);
                frames_out = frames_out + 1;
            end
        end else if (frames_out < frames_in || beats_read < beats_total) begin
            quiet = quiet + 1;
            if (quiet > HANG_CYCLES) begin
                $display("error: no output beat for %0d cycles (%0d of %0d frames out)", quiet, frames_out, frames_total);
                $finish;
            end
        end
    end
end

initial begin
    if (!$value$plusargs("dir=%s", dir)) begin
        $display("error: give the vector folder with +dir=<path>");
        $finish;
    end
    fd_regs = $fopen({dir, "/regs.hex"}, "r");
    fd_in = $fopen({dir, "/in.hex"}, "r");
    fd_out = $fopen({dir, "/out.txt"}, "w");
    if (fd_regs == 0 || fd_in == 0 || fd_out == 0) begin
        $display("error: cannot open regs.hex, in.hex or out.txt in %0s", dir);
        $finish;
    end
    rc = $fscanf(fd_in, "%d %d\n", frames_total, beats_total);
    if (rc != 2) begin
        $display("error: in.hex: the first line is not \"<frames> <beats>\"");
        $finish;
    end
    beats_read = 0;
    repeat (8) @(posedge clk);
    rst <= 1'b0;
    counting <= 1'b1;
    @(posedge clk);

    // program the device: one AXI-Lite write at a time
    n_writes = 0;
    while (!$feof(fd_regs)) begin
        rc = $fscanf(fd_regs, "%h %h\n", w_addr, w_data);
        if (rc == 2) begin
            axil_awaddr <= w_addr[AXIL_ADDR_WIDTH-1:0];
            axil_wdata <= w_data;
            axil_awvalid <= 1'b1;
            axil_wvalid <= 1'b1;
            axil_bready <= 1'b1;
            w_done = 1'b0;
            // on each edge the handshakes see the values from before it
            while (!w_done) begin
                @(posedge clk);
                if (axil_awvalid && axil_awready) axil_awvalid <= 1'b0;
                if (axil_wvalid && axil_wready) axil_wvalid <= 1'b0;
                if (axil_bvalid && axil_bready) w_done = 1'b1;
            end
            axil_bready <= 1'b0;
            n_writes = n_writes + 1;
            @(posedge clk);
        end
    end

    // stream the frames
    read_beat;
    streaming <= 1'b1;
    while (frames_out < frames_total) @(posedge clk);
    $display("icarus: %0d register writes, %0d frames, %0d beats, %0d cycles", n_writes, frames_out, beats_total, cycle);
    $fclose(fd_out);
    $finish;
end

endmodule

`resetall
