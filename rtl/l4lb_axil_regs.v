// l4lb: AXI-Lite slave, control registers and the host bus to tables and counters
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * 32-bit AXI-Lite slave, one transaction at a time. Write address and write data are accepted
 * independently, in either order; the write happens when both are in. Reads of the tables and
 * counters go over the host bus (bus_re, read data BUS_RD_LATENCY cycles later, zero from
 * targets not addressed) and are ORed with the local registers. Unmapped offsets read 0, writes
 * to them and to read-only registers are ignored, every response is OKAY. Local registers honour
 * wstrb; table words are written whole when any strobe is set.
 */
module l4lb_axil_regs #(
    // Width of the AXI-Lite address (byte address)
    parameter AXIL_ADDR_WIDTH = 24,
    // CAP_WIDTH register value
    parameter CAP_WIDTH = 512,
    // CAP_VIPS register value
    parameter CAP_VIPS = 256,
    // CAP_VIP_BUCKETS register value
    parameter CAP_VIP_BUCKETS = 128,
    // CAP_BACKENDS register value
    parameter CAP_BACKENDS = 4096,
    // CAP_RING register value
    parameter CAP_RING = 65536,
    // CAP_LATENCY register value
    parameter CAP_LATENCY = 161,
    // CAP_MAX_LEN register value
    parameter CAP_MAX_LEN = 9216,
    // Cycles from bus_re to valid bus_rdata
    parameter BUS_RD_LATENCY = 3,
    // PORTS register: the port this core serves and the card's number of ports
    parameter PORT_INDEX = 0,
    parameter PORT_COUNT = 1
) (
    input  wire                       clk,
    input  wire                       rst,

    // AXI-Lite slave
    input  wire [AXIL_ADDR_WIDTH-1:0] s_axil_awaddr,
    input  wire [2:0]                 s_axil_awprot,
    input  wire                       s_axil_awvalid,
    output wire                       s_axil_awready,
    input  wire [31:0]                s_axil_wdata,
    input  wire [3:0]                 s_axil_wstrb,
    input  wire                       s_axil_wvalid,
    output wire                       s_axil_wready,
    output wire [1:0]                 s_axil_bresp,
    output wire                       s_axil_bvalid,
    input  wire                       s_axil_bready,
    input  wire [AXIL_ADDR_WIDTH-1:0] s_axil_araddr,
    input  wire [2:0]                 s_axil_arprot,
    input  wire                       s_axil_arvalid,
    output wire                       s_axil_arready,
    output wire [31:0]                s_axil_rdata,
    output wire [1:0]                 s_axil_rresp,
    output wire                       s_axil_rvalid,
    input  wire                       s_axil_rready,

    // control registers
    output wire                       ctrl_enable,
    output wire [31:0]                hash_seed,
    output wire                       table_bank,    // BANK bit 0: active table bank
    input  wire [1:0]                 bank_busy,     // BANK_BUSY: banks read by frames in flight
    output wire [31:0]                hairpin_map,   // HAIRPIN: TX port per RX port, a nibble each

    // host bus to tables and counters (byte offsets)
    output wire                       bus_we,
    output wire                       bus_re,
    output wire [31:0]                bus_addr,
    output wire [31:0]                bus_wdata,
    input  wire [31:0]                bus_rdata
);

`include "l4lb_regmap.vh" // generated register map: this module uses the control block only

localparam [31:0] CAP_WIDTH_32 = CAP_WIDTH;
localparam [31:0] CAP_VIPS_32 = CAP_VIPS;
localparam [31:0] CAP_VIP_BUCKETS_32 = CAP_VIP_BUCKETS;
localparam [31:0] CAP_BACKENDS_32 = CAP_BACKENDS;
localparam [31:0] CAP_RING_32 = CAP_RING;
localparam [31:0] CAP_LATENCY_32 = CAP_LATENCY;
localparam [31:0] CAP_MAX_LEN_32 = CAP_MAX_LEN;
localparam integer PORT_INDEX_INT = PORT_INDEX;
localparam integer PORT_COUNT_INT = PORT_COUNT;
localparam [7:0]  PORT_INDEX_8 = PORT_INDEX_INT[7:0];
localparam [7:0]  PORT_COUNT_8 = PORT_COUNT_INT[7:0];
localparam [31:0] PORTS_VALUE = {16'd0, PORT_COUNT_8, PORT_INDEX_8};
localparam integer RD_WAIT_INT = BUS_RD_LATENCY;
localparam [3:0]  RD_WAIT = RD_WAIT_INT[3:0];

localparam [1:0]
    STATE_IDLE = 2'd0,
    STATE_WRITE_RESP = 2'd1,
    STATE_READ_WAIT = 2'd2,
    STATE_READ_RESP = 2'd3;

reg [1:0]  state_reg = STATE_IDLE;

reg        aw_full_reg = 1'b0;
reg [31:0] aw_addr_reg = 32'd0;
reg        w_full_reg = 1'b0;
reg [31:0] w_data_reg = 32'd0;
reg [3:0]  w_strb_reg = 4'd0;
reg        ar_full_reg = 1'b0;
reg [31:0] ar_addr_reg = 32'd0;

reg        bvalid_reg = 1'b0;
reg        rvalid_reg = 1'b0;
reg [31:0] rdata_reg = 32'd0;
reg [3:0]  wait_reg = 4'd0;

reg        bus_we_reg = 1'b0;
reg        bus_re_reg = 1'b0;
reg [31:0] bus_addr_reg = 32'd0;
reg [31:0] bus_wdata_reg = 32'd0;
reg [31:0] local_rdata_reg = 32'd0;

reg        ctrl_enable_reg = 1'b0;
reg [31:0] hash_seed_reg = 32'd0;
reg        table_bank_reg = 1'b0;
// READ_PORT is kept for reading back only: the application block steers reads by its own copy
reg [7:0]  read_port_reg = 8'd0;
reg [31:0] hairpin_reg = HAIRPIN_RESET;

assign s_axil_awready = !aw_full_reg;
assign s_axil_wready = !w_full_reg;
assign s_axil_bresp = 2'b00;
assign s_axil_bvalid = bvalid_reg;
assign s_axil_arready = !ar_full_reg;
assign s_axil_rdata = rdata_reg;
assign s_axil_rresp = 2'b00;
assign s_axil_rvalid = rvalid_reg;

assign ctrl_enable = ctrl_enable_reg;
assign hash_seed = hash_seed_reg;
assign table_bank = table_bank_reg;
assign hairpin_map = hairpin_reg;

assign bus_we = bus_we_reg;
assign bus_re = bus_re_reg;
assign bus_addr = bus_addr_reg;
assign bus_wdata = bus_wdata_reg;

// byte address, zero-extended, word aligned
function [31:0] word_addr;
    input [AXIL_ADDR_WIDTH-1:0] addr;
    reg [31:0] a;
    begin
        a = 32'd0;
        a[AXIL_ADDR_WIDTH-1:0] = addr;
        word_addr = a & ~32'd3;
    end
endfunction

// local read-only and control registers
function [31:0] local_read;
    input [31:0] addr;
    input        enable;
    input [31:0] seed;
    input        bank;
    input [1:0]  busy;
    input [7:0]  read_port;
    input [31:0] hairpin;
    begin
        case (addr)
            REG_ID: local_read = L4LB_ID_VALUE;
            REG_VERSION: local_read = L4LB_VERSION_VALUE;
            REG_CAP_WIDTH: local_read = CAP_WIDTH_32;
            REG_CAP_VIPS: local_read = CAP_VIPS_32;
            REG_CAP_VIP_BUCKETS: local_read = CAP_VIP_BUCKETS_32;
            REG_CAP_BACKENDS: local_read = CAP_BACKENDS_32;
            REG_CAP_RING: local_read = CAP_RING_32;
            REG_CAP_LATENCY: local_read = CAP_LATENCY_32;
            REG_CAP_MAX_LEN: local_read = CAP_MAX_LEN_32;
            REG_CTRL: local_read = {31'd0, enable};
            REG_HASH_SEED: local_read = seed;
            REG_BANK: local_read = {31'd0, bank};
            REG_BANK_BUSY: local_read = {30'd0, busy};
            REG_PORTS: local_read = PORTS_VALUE;
            REG_READ_PORT: local_read = {24'd0, read_port};
            REG_HAIRPIN: local_read = hairpin;
            default: local_read = 32'd0;
        endcase
    end
endfunction

// One clocked process: a register is written only where it changes (no next-state copy of every
// register every cycle), so an idle port costs the simulator a few tests a cycle.
always @(posedge clk) begin
    // one-cycle bus strobes
    bus_we_reg <= 1'b0;
    bus_re_reg <= 1'b0;

    // accept address and data independently
    if (s_axil_awvalid && !aw_full_reg) begin
        aw_full_reg <= 1'b1;
        aw_addr_reg <= word_addr(s_axil_awaddr);
    end
    if (s_axil_wvalid && !w_full_reg) begin
        w_full_reg <= 1'b1;
        w_data_reg <= s_axil_wdata;
        w_strb_reg <= s_axil_wstrb;
    end
    if (s_axil_arvalid && !ar_full_reg) begin
        ar_full_reg <= 1'b1;
        ar_addr_reg <= word_addr(s_axil_araddr);
    end

    case (state_reg)
        STATE_IDLE: begin
            if (aw_full_reg && w_full_reg) begin
                // write
                aw_full_reg <= 1'b0;
                w_full_reg <= 1'b0;
                bus_we_reg <= w_strb_reg != 4'd0;
                bus_addr_reg <= aw_addr_reg;
                bus_wdata_reg <= w_data_reg;
                case (aw_addr_reg)
                    REG_CTRL: begin
                        if (w_strb_reg[0]) begin
                            ctrl_enable_reg <= w_data_reg[0];
                        end
                    end
                    REG_HASH_SEED: begin
                        if (w_strb_reg[0]) hash_seed_reg[7:0] <= w_data_reg[7:0];
                        if (w_strb_reg[1]) hash_seed_reg[15:8] <= w_data_reg[15:8];
                        if (w_strb_reg[2]) hash_seed_reg[23:16] <= w_data_reg[23:16];
                        if (w_strb_reg[3]) hash_seed_reg[31:24] <= w_data_reg[31:24];
                    end
                    REG_BANK: begin
                        if (w_strb_reg[0]) begin
                            table_bank_reg <= w_data_reg[0];
                        end
                    end
                    REG_READ_PORT: begin
                        if (w_strb_reg[0]) begin
                            read_port_reg <= w_data_reg[7:0];
                        end
                    end
                    REG_HAIRPIN: begin
                        if (w_strb_reg[0]) hairpin_reg[7:0] <= w_data_reg[7:0];
                        if (w_strb_reg[1]) hairpin_reg[15:8] <= w_data_reg[15:8];
                        if (w_strb_reg[2]) hairpin_reg[23:16] <= w_data_reg[23:16];
                        if (w_strb_reg[3]) hairpin_reg[31:24] <= w_data_reg[31:24];
                    end
                    default: begin
                        // tables (over the bus), read-only or unmapped
                    end
                endcase
                bvalid_reg <= 1'b1;
                state_reg <= STATE_WRITE_RESP;
            end else if (ar_full_reg) begin
                // read
                ar_full_reg <= 1'b0;
                bus_re_reg <= 1'b1;
                bus_addr_reg <= ar_addr_reg;
                local_rdata_reg <= local_read(ar_addr_reg, ctrl_enable_reg, hash_seed_reg,
                                              table_bank_reg, bank_busy, read_port_reg, hairpin_reg);
                wait_reg <= 4'd0;
                state_reg <= STATE_READ_WAIT;
            end
        end
        STATE_WRITE_RESP: begin
            if (s_axil_bready) begin
                bvalid_reg <= 1'b0;
                state_reg <= STATE_IDLE;
            end
        end
        STATE_READ_WAIT: begin
            // bus_re is high in the first cycle here; its data is valid RD_WAIT cycles later
            wait_reg <= wait_reg + 4'd1;
            if (wait_reg == RD_WAIT) begin
                rdata_reg <= local_rdata_reg | bus_rdata;
                rvalid_reg <= 1'b1;
                state_reg <= STATE_READ_RESP;
            end
        end
        STATE_READ_RESP: begin
            if (s_axil_rready) begin
                rvalid_reg <= 1'b0;
                state_reg <= STATE_IDLE;
            end
        end
        default: begin
            state_reg <= STATE_IDLE;
        end
    endcase

    if (rst) begin
        state_reg <= STATE_IDLE;
        aw_full_reg <= 1'b0;
        w_full_reg <= 1'b0;
        ar_full_reg <= 1'b0;
        bvalid_reg <= 1'b0;
        rvalid_reg <= 1'b0;
        bus_we_reg <= 1'b0;
        bus_re_reg <= 1'b0;
        ctrl_enable_reg <= 1'b0;
        hash_seed_reg <= 32'd0;
        table_bank_reg <= 1'b0;
        read_port_reg <= 8'd0;
        hairpin_reg <= HAIRPIN_RESET;
    end
end

// protection attributes do not matter here
wire _unused_ok = &{1'b0, s_axil_awprot, s_axil_arprot, 1'b0};

endmodule

`resetall
