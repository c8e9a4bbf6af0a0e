// l4lb: AXI-Lite clock-domain crossing to one or more ports, one transaction at a time
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * AXI-Lite bridge from s_clk (slave side) to PORTS master sides, each on its own clock
 * (m_clk[n]), for the table and counter accesses of the host. Writes go to every port; a read
 * goes to the port that the last write to READ_PORT_ADDR named in its low byte (port 0 after
 * reset; a port number >= PORTS reads 0). That write also reaches every port, which keeps a
 * copy to read back. One transaction is in flight at a time, in the order the slave side
 * accepts them (a write before a read offered in the same cycle):
 *
 *   s_clk:    accept AW+W (writes first) or AR, hold address/data/strobe and the port mask in
 *             *_hold_reg, flip req
 *   m_clk[n]: the synchronised req differs from the last one served: when the mask selects
 *             port n, issue the transaction with the held (stable) values and hold the response
 *             in *_resp_reg; flip ack[n]
 *   s_clk:    every synchronised ack equals req: return the held response (a write's response
 *             is the first non-OKAY one of the ports, if any)
 *
 * Only the two toggles cross through two-flop synchronisers (ASYNC_REG); the held address,
 * data and response words are quasi-static: they change only while the other side is not
 * looking at them, at least two destination cycles before the toggle that announces them.
 * constraints/l4lb_axil_cdc.tcl bounds those paths with set_max_delay -datapath_only.
 *
 * A transaction costs about 3 m_clk + 3 s_clk cycles plus the slave's own latency: plenty for
 * table programming. The toggles and their synchronisers are not reset (they start at 0), so
 * either side may be reset alone: a reset slave side forgets its transaction and the
 * acknowledge that follows matches the request again; a reset master side issues the pending
 * transaction again (the same write once more, or the same read).
 */
module l4lb_axil_cdc #(
    // Width of the AXI-Lite address
    parameter ADDR_WIDTH = 24,
    // Master sides (ports)
    parameter PORTS = 1,
    // Byte address of the READ_PORT register
    parameter READ_PORT_ADDR = 32'h54
) (
    /*
     * Slave side (host, s_clk)
     */
    input  wire                  s_clk,
    input  wire                  s_rst,
    input  wire [ADDR_WIDTH-1:0] s_axil_awaddr,
    input  wire [2:0]            s_axil_awprot,
    input  wire                  s_axil_awvalid,
    output wire                  s_axil_awready,
    input  wire [31:0]           s_axil_wdata,
    input  wire [3:0]            s_axil_wstrb,
    input  wire                  s_axil_wvalid,
    output wire                  s_axil_wready,
    output wire [1:0]            s_axil_bresp,
    output wire                  s_axil_bvalid,
    input  wire                  s_axil_bready,
    input  wire [ADDR_WIDTH-1:0] s_axil_araddr,
    input  wire [2:0]            s_axil_arprot,
    input  wire                  s_axil_arvalid,
    output wire                  s_axil_arready,
    output wire [31:0]           s_axil_rdata,
    output wire [1:0]            s_axil_rresp,
    output wire                  s_axil_rvalid,
    input  wire                  s_axil_rready,

    /*
     * Master sides (pipeline, one per port, on m_clk[n]), concatenated
     */
    input  wire [PORTS-1:0]            m_clk,
    input  wire [PORTS-1:0]            m_rst,
    output wire [PORTS*ADDR_WIDTH-1:0] m_axil_awaddr,
    output wire [PORTS*3-1:0]          m_axil_awprot,
    output wire [PORTS-1:0]            m_axil_awvalid,
    input  wire [PORTS-1:0]            m_axil_awready,
    output wire [PORTS*32-1:0]         m_axil_wdata,
    output wire [PORTS*4-1:0]          m_axil_wstrb,
    output wire [PORTS-1:0]            m_axil_wvalid,
    input  wire [PORTS-1:0]            m_axil_wready,
    input  wire [PORTS*2-1:0]          m_axil_bresp,
    input  wire [PORTS-1:0]            m_axil_bvalid,
    output wire [PORTS-1:0]            m_axil_bready,
    output wire [PORTS*ADDR_WIDTH-1:0] m_axil_araddr,
    output wire [PORTS*3-1:0]          m_axil_arprot,
    output wire [PORTS-1:0]            m_axil_arvalid,
    input  wire [PORTS-1:0]            m_axil_arready,
    input  wire [PORTS*32-1:0]         m_axil_rdata,
    input  wire [PORTS*2-1:0]          m_axil_rresp,
    input  wire [PORTS-1:0]            m_axil_rvalid,
    output wire [PORTS-1:0]            m_axil_rready
);

/*
 * Slave side
 */
localparam [1:0]
    S_IDLE = 2'd0,
    S_WAIT = 2'd1,
    S_RESP = 2'd2;

reg [1:0] s_state_reg = S_IDLE, s_state_next;
reg s_req_reg = 1'b0, s_req_next;

// quasi-static: read in m_clk while a request is pending
reg [ADDR_WIDTH-1:0] addr_hold_reg = {ADDR_WIDTH{1'b0}}, addr_hold_next;
reg [2:0] prot_hold_reg = 3'd0, prot_hold_next;
reg [31:0] wdata_hold_reg = 32'd0, wdata_hold_next;
reg [3:0] wstrb_hold_reg = 4'd0, wstrb_hold_next;
reg write_hold_reg = 1'b0, write_hold_next;
reg [PORTS-1:0] mask_hold_reg = {PORTS{1'b0}}, mask_hold_next;

reg s_awready_reg = 1'b0, s_awready_next;
reg s_wready_reg = 1'b0, s_wready_next;
reg s_arready_reg = 1'b0, s_arready_next;
reg s_bvalid_reg = 1'b0, s_bvalid_next;
reg s_rvalid_reg = 1'b0, s_rvalid_next;
reg [31:0] s_rdata_reg = 32'd0, s_rdata_next;
reg [1:0] s_resp_reg = 2'd0, s_resp_next;

// acks from the ports, two-flop synchronisers
(* ASYNC_REG = "TRUE" *) reg [PORTS-1:0] s_ack_sync_1_reg = {PORTS{1'b0}};
(* ASYNC_REG = "TRUE" *) reg [PORTS-1:0] s_ack_sync_2_reg = {PORTS{1'b0}};

wire [PORTS-1:0] m_ack;
// quasi-static: written in m_clk[n] before ack[n] flips
wire [PORTS*32-1:0] rdata_resp;
wire [PORTS*2-1:0] resp_resp;

assign s_axil_awready = s_awready_reg;
assign s_axil_wready = s_wready_reg;
assign s_axil_bresp = s_resp_reg;
assign s_axil_bvalid = s_bvalid_reg;
assign s_axil_arready = s_arready_reg;
assign s_axil_rdata = s_rdata_reg;
assign s_axil_rresp = s_resp_reg;
assign s_axil_rvalid = s_rvalid_reg;

// the port reads go to (READ_PORT), and whether an address is READ_PORT's
reg [7:0] read_port_reg = 8'd0, read_port_next;
wire [31:0] read_port_ext = {24'd0, read_port_reg};
wire [31:0] awaddr_ext = {{32-ADDR_WIDTH{1'b0}}, s_axil_awaddr};
wire aw_read_port = (awaddr_ext & ~32'd3) == READ_PORT_ADDR;

// the response of the selected ports: a read's data from its port, the first error of a write
reg [31:0] sel_rdata;
reg [1:0] sel_resp;
integer k;
always @* begin
    sel_rdata = 32'd0;
    sel_resp = 2'd0;
    for (k = PORTS - 1; k >= 0; k = k - 1) begin
        if (mask_hold_reg[k]) begin
            if (!write_hold_reg) begin
                sel_rdata = rdata_resp[k*32 +: 32];
            end
            if (resp_resp[k*2 +: 2] != 2'd0) begin
                sel_resp = resp_resp[k*2 +: 2];
            end
        end
    end
end

always @* begin
    s_state_next = s_state_reg;
    s_req_next = s_req_reg;
    addr_hold_next = addr_hold_reg;
    prot_hold_next = prot_hold_reg;
    wdata_hold_next = wdata_hold_reg;
    wstrb_hold_next = wstrb_hold_reg;
    write_hold_next = write_hold_reg;
    mask_hold_next = mask_hold_reg;
    read_port_next = read_port_reg;
    s_awready_next = 1'b0;
    s_wready_next = 1'b0;
    s_arready_next = 1'b0;
    s_bvalid_next = s_bvalid_reg && !s_axil_bready;
    s_rvalid_next = s_rvalid_reg && !s_axil_rready;
    s_rdata_next = s_rdata_reg;
    s_resp_next = s_resp_reg;

    case (s_state_reg)
        S_IDLE: begin
            if (s_axil_awvalid && s_axil_wvalid) begin
                s_awready_next = 1'b1;
                s_wready_next = 1'b1;
                addr_hold_next = s_axil_awaddr;
                prot_hold_next = s_axil_awprot;
                wdata_hold_next = s_axil_wdata;
                wstrb_hold_next = s_axil_wstrb;
                write_hold_next = 1'b1;
                mask_hold_next = {PORTS{1'b1}};
                if (aw_read_port && s_axil_wstrb[0]) begin
                    read_port_next = s_axil_wdata[7:0];
                end
                s_req_next = !s_req_reg;
                s_state_next = S_WAIT;
            end else if (s_axil_arvalid) begin
                s_arready_next = 1'b1;
                addr_hold_next = s_axil_araddr;
                prot_hold_next = s_axil_arprot;
                write_hold_next = 1'b0;
                for (k = 0; k < PORTS; k = k + 1) begin
                    mask_hold_next[k] = read_port_ext == k;
                end
                s_req_next = !s_req_reg;
                s_state_next = S_WAIT;
            end
        end
        S_WAIT: begin
            if (s_ack_sync_2_reg == {PORTS{s_req_reg}}) begin
                s_rdata_next = sel_rdata;
                s_resp_next = sel_resp;
                s_bvalid_next = write_hold_reg;
                s_rvalid_next = !write_hold_reg;
                s_state_next = S_RESP;
            end
        end
        S_RESP: begin
            if (!s_bvalid_next && !s_rvalid_next) begin
                s_state_next = S_IDLE;
            end
        end
        default: begin
            s_state_next = S_IDLE;
        end
    endcase
end

always @(posedge s_clk) begin
    s_state_reg <= s_state_next;
    s_req_reg <= s_req_next;
    addr_hold_reg <= addr_hold_next;
    prot_hold_reg <= prot_hold_next;
    wdata_hold_reg <= wdata_hold_next;
    wstrb_hold_reg <= wstrb_hold_next;
    write_hold_reg <= write_hold_next;
    mask_hold_reg <= mask_hold_next;
    read_port_reg <= read_port_next;
    s_awready_reg <= s_awready_next;
    s_wready_reg <= s_wready_next;
    s_arready_reg <= s_arready_next;
    s_bvalid_reg <= s_bvalid_next;
    s_rvalid_reg <= s_rvalid_next;
    s_rdata_reg <= s_rdata_next;
    s_resp_reg <= s_resp_next;
    s_ack_sync_1_reg <= m_ack;
    s_ack_sync_2_reg <= s_ack_sync_1_reg;

    if (s_rst) begin
        s_state_reg <= S_IDLE;
        s_awready_reg <= 1'b0;
        s_wready_reg <= 1'b0;
        s_arready_reg <= 1'b0;
        s_bvalid_reg <= 1'b0;
        s_rvalid_reg <= 1'b0;
        read_port_reg <= 8'd0;
    end
end

/*
 * Master sides
 */
localparam [1:0]
    M_IDLE = 2'd0,
    M_ADDR = 2'd1,
    M_RESP = 2'd2;

genvar n;
generate
for (n = 0; n < PORTS; n = n + 1) begin : port

    // req from s_clk, two-flop synchroniser
    (* ASYNC_REG = "TRUE" *) reg req_sync_1_reg = 1'b0;
    (* ASYNC_REG = "TRUE" *) reg req_sync_2_reg = 1'b0;

    reg [1:0] state_reg = M_IDLE, state_next;
    reg ack_reg = 1'b0, ack_next;
    reg awvalid_reg = 1'b0, awvalid_next;
    reg wvalid_reg = 1'b0, wvalid_next;
    reg arvalid_reg = 1'b0, arvalid_next;
    reg [31:0] rdata_resp_reg = 32'd0, rdata_resp_next;
    reg [1:0] resp_resp_reg = 2'd0, resp_resp_next;

    assign m_ack[n] = ack_reg;
    assign rdata_resp[n*32 +: 32] = rdata_resp_reg;
    assign resp_resp[n*2 +: 2] = resp_resp_reg;

    assign m_axil_awaddr[n*ADDR_WIDTH +: ADDR_WIDTH] = addr_hold_reg;
    assign m_axil_awprot[n*3 +: 3] = prot_hold_reg;
    assign m_axil_awvalid[n] = awvalid_reg;
    assign m_axil_wdata[n*32 +: 32] = wdata_hold_reg;
    assign m_axil_wstrb[n*4 +: 4] = wstrb_hold_reg;
    assign m_axil_wvalid[n] = wvalid_reg;
    assign m_axil_bready[n] = state_reg == M_RESP;
    assign m_axil_araddr[n*ADDR_WIDTH +: ADDR_WIDTH] = addr_hold_reg;
    assign m_axil_arprot[n*3 +: 3] = prot_hold_reg;
    assign m_axil_arvalid[n] = arvalid_reg;
    assign m_axil_rready[n] = state_reg == M_RESP;

    always @* begin
        state_next = state_reg;
        ack_next = ack_reg;
        awvalid_next = awvalid_reg && !m_axil_awready[n];
        wvalid_next = wvalid_reg && !m_axil_wready[n];
        arvalid_next = arvalid_reg && !m_axil_arready[n];
        rdata_resp_next = rdata_resp_reg;
        resp_resp_next = resp_resp_reg;

        case (state_reg)
            M_IDLE: begin
                if (req_sync_2_reg != ack_reg) begin
                    if (mask_hold_reg[n]) begin
                        awvalid_next = write_hold_reg;
                        wvalid_next = write_hold_reg;
                        arvalid_next = !write_hold_reg;
                        state_next = M_ADDR;
                    end else begin
                        // not for this port: acknowledge at once
                        ack_next = req_sync_2_reg;
                    end
                end
            end
            M_ADDR: begin
                if (!awvalid_next && !wvalid_next && !arvalid_next) begin
                    state_next = M_RESP;
                end
            end
            M_RESP: begin
                if (write_hold_reg ? m_axil_bvalid[n] : m_axil_rvalid[n]) begin
                    rdata_resp_next = m_axil_rdata[n*32 +: 32];
                    resp_resp_next = write_hold_reg ? m_axil_bresp[n*2 +: 2] : m_axil_rresp[n*2 +: 2];
                    ack_next = req_sync_2_reg;
                    state_next = M_IDLE;
                end
            end
            default: begin
                state_next = M_IDLE;
            end
        endcase
    end

    always @(posedge m_clk[n]) begin
        req_sync_1_reg <= s_req_reg;
        req_sync_2_reg <= req_sync_1_reg;
        state_reg <= state_next;
        ack_reg <= ack_next;
        awvalid_reg <= awvalid_next;
        wvalid_reg <= wvalid_next;
        arvalid_reg <= arvalid_next;
        rdata_resp_reg <= rdata_resp_next;
        resp_resp_reg <= resp_resp_next;

        if (m_rst[n]) begin
            state_reg <= M_IDLE;
            awvalid_reg <= 1'b0;
            wvalid_reg <= 1'b0;
            arvalid_reg <= 1'b0;
        end
    end

end
endgenerate

endmodule

`resetall
