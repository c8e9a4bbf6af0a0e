// tb_counters: self-checking Icarus testbench of l4lb_counters against 64-bit reference counts
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Random count events (reason, VIP, backend entry, and 32-bit byte counts, mostly large, so that every 16-bit
 * segment of the byte counters carries: the totals pass 2^48) with host reads in between:
 *  - while events flow, a low/high read pair of a random counter, spaced as tightly as the
 *    AXI-Lite slave can issue them; the value must lie between the reference count 16 cycles
 *    before the low read and the count when it returned (a torn read would be off by 2^16 or
 *    more);
 *  - every EPOCH events the events pause and every counter is read and compared exactly;
 *  - at the end, a reset while events flow: every counter must read 0 after it (the events the
 *    reset meets are lost), then counts again from 0.
 * Prints "PASS" or "FAIL: ..." and finishes. +seed=<n> picks the random sequence.
 */
module tb_counters #(
    parameter EVENTS = 80000,
    parameter EPOCH = 20000
) ();

`include "l4lb_regmap.vh"

localparam VIPS = 4;
localparam BES = 4;
localparam GLOBALS = 4 + REASON_COUNT;
// reference counts in all: globals, then frames/bytes per VIP, then per backend entry
localparam COUNTERS = GLOBALS + 2 * VIPS + 2 * BES;

reg clk = 1'b0;
always #2 clk = ~clk;
reg rst = 1'b1;

reg         ev_valid = 1'b0;
reg  [3:0]  ev_reason = 4'd0;
reg  [7:0]  ev_vip = 8'd0;
reg  [11:0] ev_backend = 12'd0;
reg  [31:0] ev_bytes = 32'd0;
reg         host_re = 1'b0;
reg  [31:0] host_addr = 32'd0;
wire [31:0] host_rdata;

l4lb_counters #(
    .VIP_COUNT(256),
    .VIP_WIDTH(8),
    .BACKEND_COUNT(4096),
    .BACKEND_WIDTH(12)
) dut (
    .clk(clk),
    .rst(rst),
    .ev_valid(ev_valid),
    .ev_reason(ev_reason),
    .ev_vip(ev_vip),
    .ev_backend(ev_backend),
    .ev_bytes(ev_bytes),
    .host_re(host_re),
    .host_addr(host_addr),
    .host_rdata(host_rdata)
);

// reference counts: globals 0 frames, 1 bytes, 2 balanced, 3 passed, 4 + reason; VIP k frames
// at GLOBALS + 2k, bytes at GLOBALS + 2k + 1; backend entry k after them
reg [63:0] ref_count [0:COUNTERS-1];
integer i, n, seed, errors, k, target;
reg [63:0] lower, value, upper, total;
reg [31:0] lo, hi;

function [31:0] counter_addr;
    input integer idx;
    begin
        if (idx < GLOBALS) counter_addr = REG_CNT_FRAMES_IN + 8 * idx;
        else if (idx < GLOBALS + 2 * VIPS)
            counter_addr = VIP_COUNTERS_BASE + VIP_COUNTERS_STRIDE * vip_id((idx - GLOBALS) / 2) +
                           ((idx - GLOBALS) % 2 == 0 ? VIP_CNT_FRAMES : VIP_CNT_BYTES);
        else
            counter_addr = BACKEND_COUNTERS_BASE + BACKEND_COUNTERS_STRIDE * be_id((idx - GLOBALS - 2 * VIPS) / 2) +
                           ((idx - GLOBALS) % 2 == 0 ? VIP_CNT_FRAMES : VIP_CNT_BYTES);
    end
endfunction

// the VIP ids the test counts for: spread over the id space (different groups of 16)
function [7:0] vip_id;
    input integer k;
    begin
        case (k)
            0: vip_id = 8'd0;
            1: vip_id = 8'd17;
            2: vip_id = 8'd130;
            default: vip_id = 8'd255;
        endcase
    end
endfunction

// the backend entries the test counts for: both ends and two neighbours in one group of
// written bits (updates of one group's word back to back)
function [11:0] be_id;
    input integer k;
    begin
        case (k)
            0: be_id = 12'd0;
            1: be_id = 12'd1000;
            2: be_id = 12'd1001;
            default: be_id = 12'd4095;
        endcase
    end
endfunction

// one event (or none) in this cycle, counted in the reference as it is driven
task drive_event;
    input active;
    integer r;
    begin
        ev_valid <= 1'b0;
        if (active && ($random(seed) & 7) != 0) begin
            r = {$random(seed)} % REASON_COUNT;
            ev_valid <= 1'b1;
            ev_reason <= r;
            ev_vip <= vip_id({$random(seed)} % 3 == 0 ? {$random(seed)} % VIPS : 0);
            ev_backend <= be_id({$random(seed)} % 4 == 0 ? {$random(seed)} % BES : 3);
            ev_bytes <= ($random(seed) & 3) != 0 ? 32'hF000_0000 | $random(seed) : $random(seed);
        end
    end
endtask

task count_event;
    integer v;
    begin
        if (ev_valid) begin
            ref_count[0] = ref_count[0] + 1;
            ref_count[1] = ref_count[1] + ev_bytes;
            if (ev_reason == REASON_BALANCED) begin
                ref_count[2] = ref_count[2] + 1;
                v = ev_vip == 8'd0 ? 0 : ev_vip == 8'd17 ? 1 : ev_vip == 8'd130 ? 2 : 3;
                ref_count[GLOBALS + 2 * v] = ref_count[GLOBALS + 2 * v] + 1;
                ref_count[GLOBALS + 2 * v + 1] = ref_count[GLOBALS + 2 * v + 1] + ev_bytes;
                v = GLOBALS + 2 * VIPS + 2 * (ev_backend == 12'd0 ? 0 : ev_backend == 12'd1000 ? 1 :
                                               ev_backend == 12'd1001 ? 2 : 3);
                ref_count[v] = ref_count[v] + 1;
                ref_count[v + 1] = ref_count[v + 1] + ev_bytes;
            end else begin
                ref_count[3] = ref_count[3] + 1;
                ref_count[4 + ev_reason] = ref_count[4 + ev_reason] + 1;
            end
        end
    end
endtask

// a cycle: the reference counts what the DUT takes at this edge, then new inputs
task cycle;
    input active;
    begin
        @(posedge clk);
        count_event;
        drive_event(active);
        n = n + (ev_valid ? 1 : 0);
    end
endtask

// a cycle with a balanced frame for the given VIP and backend entry next
task fixed_cycle;
    input [7:0]  vip;
    input [11:0] backend;
    begin
        @(posedge clk);
        count_event;
        ev_valid <= 1'b1;
        ev_reason <= REASON_BALANCED;
        ev_vip <= vip;
        ev_backend <= backend;
        ev_bytes <= $random(seed);
        n = n + 1;
    end
endtask

// a reset edge while events flow: the DUT drops what is in flight and clears every counter;
// no event in the cycle after it
task reset_cycle;
    begin
        rst <= 1'b1;
        @(posedge clk);
        for (i = 0; i < COUNTERS; i = i + 1) ref_count[i] = 64'd0;
        drive_event(0);
        rst <= 1'b0;
    end
endtask

// a low/high read pair of counter idx, traffic on or off; spaced like the AXI-Lite slave
task read_counter;
    input integer idx;
    input active;
    integer j;
    begin
        host_addr <= counter_addr(idx);
        host_re <= 1'b1;
        cycle(active);
        host_re <= 1'b0;
        for (j = 0; j < 3; j = j + 1) cycle(active);
        #1 lo = host_rdata;
        upper = ref_count[idx];
        for (j = 0; j < 2; j = j + 1) cycle(active);
        host_addr <= counter_addr(idx) + 4;
        host_re <= 1'b1;
        cycle(active);
        host_re <= 1'b0;
        for (j = 0; j < 3; j = j + 1) cycle(active);
        #1 hi = host_rdata;
        value = {hi, lo};
    end
endtask

initial begin
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    errors = 0;
    n = 0;
    for (i = 0; i < COUNTERS; i = i + 1) ref_count[i] = 64'd0;
    repeat (4) @(posedge clk);
    rst <= 1'b0;
    @(posedge clk);
    while (n < EVENTS) begin
        // traffic with reads in flight
        for (k = 0; k < EPOCH && n < EVENTS; k = k + 0) begin
            target = {$random(seed)} % COUNTERS;
            if (target == 4) target = 0;  // reason 0 (balanced) reads 0: covered below
            lower = ref_count[target];
            repeat (16) cycle(1);
            read_counter(target, 1);
            if (value < lower || value > upper) begin
                if (errors < 10) $display("FAIL: counter %0d read %0d during traffic, not in [%0d, %0d]", target, value, lower, upper);
                errors = errors + 1;
            end
            k = k + 30;
        end
        // pause, let the pipelines settle, read everything
        repeat (8) cycle(0);
        for (i = 0; i < COUNTERS; i = i + 1) begin
            read_counter(i, 0);
            if (value !== (i == 4 ? 64'd0 : ref_count[i])) begin
                if (errors < 10) $display("FAIL: counter %0d reads %0d, reference %0d (after %0d events)", i, value, ref_count[i], n);
                errors = errors + 1;
            end
        end
    end
    total = ref_count[1];
    if (ref_count[1] < 64'h0001_0000_0000_0000) begin
        $display("FAIL: the byte count %0d never reached 2^48: the test did not reach the top segment", ref_count[1]);
        errors = errors + 1;
    end
    // reset while events flow: everything reads 0, then counts from 0 again. The first events
    // after each reset are the first writes to their groups of written bits: entries of one
    // group one and two cycles apart (the forwarding of a group's word), for the backends and
    // the VIPs each way round
    for (k = 0; k < 2; k = k + 1) begin
        repeat (5) cycle(1);
        reset_cycle;
        repeat (8) cycle(0);
        for (i = 0; i < COUNTERS; i = i + 1) begin
            read_counter(i, 0);
            if (value !== 64'd0) begin
                if (errors < 10) $display("FAIL: counter %0d reads %0d after reset", i, value);
                errors = errors + 1;
            end
        end
        if (k == 0) begin
            fixed_cycle(8'd0, 12'd1000);
            fixed_cycle(8'd130, 12'd1001);
            fixed_cycle(8'd17, 12'd4095);
        end else begin
            fixed_cycle(8'd0, 12'd1000);
            fixed_cycle(8'd17, 12'd0);
            fixed_cycle(8'd255, 12'd1001);
        end
        repeat (1000) cycle(1);
        repeat (8) cycle(0);
        for (i = 0; i < COUNTERS; i = i + 1) begin
            read_counter(i, 0);
            if (value !== (i == 4 ? 64'd0 : ref_count[i])) begin
                if (errors < 10) $display("FAIL: counter %0d reads %0d, reference %0d (after reset %0d)", i, value, ref_count[i], k);
                errors = errors + 1;
            end
        end
    end
    if (errors == 0) $display("PASS: %0d events, byte count %0d (0x%016x) before the reset", n, total, total);
    $finish;
end

endmodule

`resetall
