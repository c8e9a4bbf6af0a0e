// l4lb: VIP match, VIP info, ring and backend lookups, with the table RAMs
`resetall
`timescale 1ns / 1ps
`default_nettype none

/*
 * Hash and pipelined lookup, thirteen register stages that move with adv:
 *   s0  the CRCs: two probes, each with its VIP key hash k = ~CRC-32C(32'hFFFFFFFF; dst IP (4
 *       or 16 bytes), port, protocol) addressing its own copy of the match RAMs: probe A with
 *       the frame's destination port (not for fragments nor port 0), probe B with port 0; flow
 *       hashes h = ~CRC-32C(~HASH_SEED; flow key) with the frame's ports and with both ports 0
 *   s1  VIP match RAM words of bucket k mod B (bank 0) and (k >> 16) mod B (bank 1), 4 ways
 *       each, per probe; both h; the table bank (BANK) latched for this frame
 *   s2  which of the 8 slots of each probe hold (family, dst IP, port, protocol); the first
 *       one of probe A, else of probe B, gives the vip_id, which addresses the info RAMs; the
 *       flow hash with ports (probe A) or without (probe B)
 *   s3  VIP info RAM: ring_base, ring_size
 *   s4  multiplier inputs (h, ring_size)
 *   s5  the four 16 x 16 partial products of h * ring_size (a DSP each)
 *   s6  partial products, second register (DSP pipeline)
 *   s7  product columns: carry out of bits [31:16], bits [47:32] and [63:48] before carries
 *   s8  ring_base + (product >> 32): low 16 bits with their carry, high bits
 *   s9  ring index r = (ring_base + (product >> 32)) mod RING_ENTRIES
 *   s10 ring RAM word
 *   s11 backend index b = RING[r] mod BACKEND_COUNT
 *   s12 backend RAM words; reason NO_VIP (FRAGMENT for a fragment) / NO_BACKEND (also a
 *       backend of the other family) / 0
 * in_pass is carried alongside, unchanged.
 *
 * Table banks: VIP info, ring and backends exist twice. A frame latches table_bank in s1 (the
 * cycle its VIP match words are read) and carries it to s12: all its info, ring and backend reads
 * come from that bank, so a host write of BANK switches whole table sets between two frames.
 * bank_busy[b] is 1 while any stage s1..s12 holds a frame of bank b; the host waits for it to
 * clear before writing bank b (docs/architecture.md, *Atomic updates*).
 *
 * The tables live here. The host port (byte offsets of the register map) writes a word and
 * returns read data three cycles after host_re (zero when the offset is not one of
 * these tables or a word the map does not define). Stored bits: slot word 0 {port, protocol,
 * IPv6, valid}, words 1-4, word 5 [15:0]; info words 0-3 (bank 0 base/size, bank 1
 * base/size); backend word 0 [2:0], words 1 and 4-7, word 2 [15:0] (both banks); ring [15:0]
 * (both banks). Other bits read as 0. The host writes both copies of the match RAMs and
 * reads copy A.
 */
module l4lb_lookup #(
    // VIP ids (VIP info table entries)
    parameter VIP_COUNT = 256,
    // Buckets per VIP match bank (power of two); 2 banks x 4 ways
    parameter VIP_BUCKETS = 128,
    // Backend table entries (power of two)
    parameter BACKEND_COUNT = 4096,
    // Ring entries per table bank (power of two)
    parameter RING_ENTRIES = 1048576,
    // Width of the side band carried through the lookup
    parameter PASS_WIDTH = 1
) (
    input  wire                  clk,
    input  wire                  rst,

    // pipeline advance
    input  wire                  adv,

    // flow hash seed (HASH_SEED)
    input  wire [31:0]           hash_seed,

    // table bank (BANK) and the banks frames in flight read (BANK_BUSY)
    input  wire                  table_bank,
    output wire [1:0]            bank_busy,

    // frame from parse (addresses: first byte in the top bits, IPv4 in [127:96])
    input  wire                  in_valid,
    input  wire                  in_ipv6,
    input  wire                  in_fragment,
    input  wire [127:0]          in_src,
    input  wire [127:0]          in_dst,
    input  wire [15:0]           in_sport,
    input  wire [15:0]           in_dport,
    input  wire [7:0]            in_proto,
    input  wire [PASS_WIDTH-1:0] in_pass,

    // lookup result
    output wire                  out_valid,
    output wire [3:0]            out_reason,     // 0, NO_VIP, FRAGMENT or NO_BACKEND
    output wire [15:0]           out_vip_id,
    output wire [$clog2(BACKEND_COUNT)-1:0] out_backend, // the backend entry index (the ring's choice)
    output wire                  out_mac_valid,
    output wire [47:0]           out_mac,
    output wire [127:0]          out_ip,
    output wire [PASS_WIDTH-1:0] out_pass,

    // host table access
    input  wire                  host_we,
    input  wire                  host_re,
    input  wire [31:0]           host_addr,
    input  wire [31:0]           host_wdata,
    output wire [31:0]           host_rdata
);

`include "l4lb_regmap.vh" // generated register map: this module uses the table layout only

localparam BUCKET_WIDTH = $clog2(VIP_BUCKETS);
localparam SLOT_COUNT = 2 * VIP_BUCKETS * 4;
localparam VIP_WIDTH = $clog2(VIP_COUNT);
localparam BACKEND_WIDTH = $clog2(BACKEND_COUNT);
localparam RING_WIDTH = $clog2(RING_ENTRIES);

localparam [3:0] R_NO_VIP = REASON_NO_VIP[3:0];
localparam [3:0] R_NO_BACKEND = REASON_NO_BACKEND[3:0];
localparam [3:0] R_FRAGMENT = REASON_FRAGMENT[3:0];

// the side band plus {ipv6, fragment}
localparam IPW = PASS_WIDTH + 2;

// stored slot word 0: {port[15:0], protocol[7:0], ipv6, valid}
localparam KEY_WIDTH = 26;

/*
 * Host port. The request is decoded into registers (only when there is one, which keeps the
 * simulation cheap); port A of the RAMs acts in the next cycle, and the read data is selected in
 * the cycle after that: host_rdata is valid three cycles after host_re.
 */
localparam [31:0] SLOT_COUNT_32 = SLOT_COUNT;
localparam [31:0] VIP_COUNT_32 = VIP_COUNT;
localparam [31:0] BACKEND_COUNT_32 = BACKEND_COUNT;
localparam [31:0] RING_ENTRIES_32 = RING_ENTRIES;

// entry index = (offset >> SHIFT); the region bases are aligned to their spans
localparam MATCH_SHIFT = $clog2(VIP_MATCH_STRIDE);
localparam INFO_SHIFT = $clog2(VIP_INFO_STRIDE);
localparam BACKEND_SHIFT = $clog2(BACKENDS_STRIDE);
localparam RING_SHIFT = $clog2(RING_STRIDE);

localparam [2:0] SEL_NONE = 3'd0;
localparam [2:0] SEL_MATCH = 3'd1;
localparam [2:0] SEL_INFO = 3'd2;
localparam [2:0] SEL_BACKEND = 3'd3;
localparam [2:0] SEL_RING = 3'd4;

// entry index < count, for an index of the bits of an offset below its region's span: a power of
// two count tests the index bits above it (no carry chain), another count compares
function index_ok;
    input [31:0] index;
    input [31:0] count;
    begin
        if ((count & (count - 1)) == 32'd0) begin
            index_ok = (index & ~(count - 1)) == 32'd0;
        end else begin
            index_ok = index < count;
        end
    end
endfunction

// which table an offset falls in (an existing entry of it), SEL_NONE otherwise
function [2:0] host_table;
    input [31:0] addr;
    begin
        if ((addr & ~(VIP_MATCH_SPAN - 1)) == VIP_MATCH_BASE &&
                index_ok((addr & (VIP_MATCH_SPAN - 1)) >> MATCH_SHIFT, SLOT_COUNT_32)) begin
            host_table = SEL_MATCH;
        end else if ((addr & ~(VIP_INFO_SPAN - 1)) == VIP_INFO_BASE &&
                index_ok((addr & (VIP_INFO_SPAN - 1)) >> INFO_SHIFT, VIP_COUNT_32)) begin
            host_table = SEL_INFO;
        end else if ((addr & ~(BACKENDS_SPAN - 1)) == BACKENDS_BASE &&
                index_ok((addr & (BACKENDS_SPAN - 1)) >> BACKEND_SHIFT, BACKEND_COUNT_32)) begin
            host_table = SEL_BACKEND;
        end else if ((addr & ~(BACKENDS_1_SPAN - 1)) == BACKENDS_1_BASE &&
                index_ok((addr & (BACKENDS_1_SPAN - 1)) >> BACKEND_SHIFT, BACKEND_COUNT_32)) begin
            host_table = SEL_BACKEND;
        end else if ((addr & ~(RING_SPAN - 1)) == RING_BASE &&
                index_ok((addr & (RING_SPAN - 1)) >> RING_SHIFT, RING_ENTRIES_32)) begin
            host_table = SEL_RING;
        end else if ((addr & ~(RING_1_SPAN - 1)) == RING_1_BASE &&
                index_ok((addr & (RING_1_SPAN - 1)) >> RING_SHIFT, RING_ENTRIES_32)) begin
            host_table = SEL_RING;
        end else begin
            host_table = SEL_NONE;
        end
    end
endfunction

// word within the entry
// (address bits [4:2]: VIP match and backend entries are 8 words, VIP info entries 4)
function [2:0] host_table_word;
    input [2:0] sel;
    input [2:0] addr_bits;
    begin
        case (sel)
            SEL_MATCH: host_table_word = addr_bits;
            SEL_INFO: host_table_word = {1'b0, addr_bits[1:0]};
            SEL_BACKEND: host_table_word = addr_bits;
            default: host_table_word = 3'd0;
        endcase
    end
endfunction

// write enables: VIP match slot {bank, way} words 0/1/2/3/4/5 at [6*slot +: 6], info words
// 0/1, backend words 0/1/2/4/5/6/7, ring
function [57:0] host_write_enables;
    input [2:0]  sel;
    input [2:0]  word;
    input [2:0]  slot_idx;
    integer    i;
    reg [47:0] match_we;
    reg [1:0]  info_we;
    reg [6:0]  backend_we;
    reg        ring_we;
    begin
        match_we = 48'd0;
        info_we = 2'd0;
        backend_we = 7'd0;
        ring_we = 1'b0;
        case (sel)
            SEL_MATCH: begin
                for (i = 0; i < 8; i = i + 1) begin
                    if ({29'd0, slot_idx} == i) begin
                        if (word == VIP_MATCH_W_KEY[2:0]) begin
                            match_we[6*i] = 1'b1;
                        end else if (word == VIP_MATCH_W_ID[2:0]) begin
                            match_we[6*i+5] = 1'b1;
                        end else if (word == VIP_MATCH_W_ADDR[2:0]) begin
                            match_we[6*i+1] = 1'b1;
                        end else if (word == VIP_MATCH_W_ADDR[2:0] + 3'd1) begin
                            match_we[6*i+2] = 1'b1;
                        end else if (word == VIP_MATCH_W_ADDR[2:0] + 3'd2) begin
                            match_we[6*i+3] = 1'b1;
                        end else if (word == VIP_MATCH_W_ADDR[2:0] + 3'd3) begin
                            match_we[6*i+4] = 1'b1;
                        end
                    end
                end
            end
            SEL_INFO: begin
                case (word)
                    VIP_INFO_W_RING_BASE[2:0], VIP_INFO_W_RING_BASE_1[2:0]: info_we[0] = 1'b1;
                    VIP_INFO_W_RING_SIZE[2:0], VIP_INFO_W_RING_SIZE_1[2:0]: info_we[1] = 1'b1;
                    default: info_we = 2'd0;
                endcase
            end
            SEL_BACKEND: begin
                case (word)
                    BACKEND_W_FLAGS[2:0]: backend_we[0] = 1'b1;
                    BACKEND_W_MAC_HI[2:0]: backend_we[1] = 1'b1;
                    BACKEND_W_MAC_LO[2:0]: backend_we[2] = 1'b1;
                    BACKEND_W_ADDR[2:0]: backend_we[3] = 1'b1;
                    BACKEND_W_ADDR[2:0] + 3'd1: backend_we[4] = 1'b1;
                    BACKEND_W_ADDR[2:0] + 3'd2: backend_we[5] = 1'b1;
                    BACKEND_W_ADDR[2:0] + 3'd3: backend_we[6] = 1'b1;
                    default: backend_we = 7'd0;
                endcase
            end
            SEL_RING: ring_we = 1'b1;
            default: ring_we = 1'b0;
        endcase
        host_write_enables = {ring_we, backend_we, info_we, match_we};
    end
endfunction

// table bank of a host offset: VIP info words 2-3, BACKENDS_1, RING_1
function host_bank;
    input [2:0]  sel;
    input [31:0] addr;
    begin
        case (sel)
            SEL_INFO: host_bank = addr[3];
            SEL_BACKEND: host_bank = (addr & ~(BACKENDS_1_SPAN - 1)) == BACKENDS_1_BASE;
            SEL_RING: host_bank = (addr & ~(RING_1_SPAN - 1)) == RING_1_BASE;
            default: host_bank = 1'b0;
        endcase
    end
endfunction

// slot {bank, way} of a VIP match offset
function [2:0] host_slot;
    input [31:0] addr;
    begin
        host_slot = {addr[MATCH_SHIFT+2+BUCKET_WIDTH], addr[MATCH_SHIFT +: 2]};
    end
endfunction

reg [47:0]              h_match_we_reg = 48'd0;
reg [47:0]              h_match_pick_reg = 48'd0;
reg [1:0]               h_info_we_reg = 2'd0;
reg [6:0]               h_backend_we_reg = 7'd0;
reg                     h_ring_we_reg = 1'b0;
reg                     h_re_reg = 1'b0;
// a host request was decoded in the previous cycle: the table RAMs' port A acts only then
reg                     h_act_reg = 1'b0;
reg                     h_mux_reg = 1'b0;
reg [31:0]              h_wdata_reg = 32'd0;
reg [BUCKET_WIDTH-1:0]  h_bucket_reg = {BUCKET_WIDTH{1'b0}};
reg [VIP_WIDTH-1:0]     h_info_idx_reg = {VIP_WIDTH{1'b0}};
reg [BACKEND_WIDTH-1:0] h_backend_idx_reg = {BACKEND_WIDTH{1'b0}};
reg [RING_WIDTH-1:0]    h_ring_idx_reg = {RING_WIDTH{1'b0}};
reg [2:0]               h_sel_reg = SEL_NONE;
reg [2:0]               h_word_reg = 3'd0;
reg                     h_bank_reg = 1'b0;
reg [31:0]              host_rdata_reg = 32'd0;

assign host_rdata = host_rdata_reg;

/*
 * Pipeline registers
 */
reg                    s0_valid_reg = 1'b0;
reg                    s0_ipv6_reg = 1'b0;
reg                    s0_fragment_reg = 1'b0;
reg [127:0]            s0_dst_reg = 128'd0;
reg [15:0]             s0_dport_reg = 16'd0;
reg [7:0]              s0_proto_reg = 8'd0;
reg [IPW-1:0]          s0_side_reg = {IPW{1'b0}};   // {ipv6, fragment, pass}
wire [IPW-1:0]         s12_side;                    // the same in s12 (side_inst)

reg                    s1_valid_reg = 1'b0;
reg                    s1_bank_reg = 1'b0;
reg [31:0]             s1_hash_reg = 32'd0;      // flow hash with the frame's ports
reg [31:0]             s1_hash_z_reg = 32'd0;    // flow hash with both ports 0
reg                    s1_ipv6_reg = 1'b0;
reg                    s1_probe_a_reg = 1'b0;
reg [127:0]            s1_dst_ip_reg = 128'd0;
reg [15:0]             s1_dst_port_reg = 16'd0;
reg [7:0]              s1_proto_reg = 8'd0;

reg                    s2_valid_reg = 1'b0;
reg                    s2_bank_reg = 1'b0;
reg [31:0]             s2_hash_reg = 32'd0;
reg [31:0]             s2_hash_z_reg = 32'd0;
reg [15:0]             s2_slot_match_reg = 16'd0; // [7:0] probe A, [15:8] probe B
reg [16*16-1:0]        s2_ids_reg = 256'd0;      // per slot: its vip_id (probe A, then B)
reg [15:0]             s2_oor_reg = 16'd0;       // per slot: its vip_id is out of range

reg                    s3_valid_reg = 1'b0;
reg                    s3_bank_reg = 1'b0;
reg [31:0]             s3_hash_reg = 32'd0;
reg                    s3_hit_reg = 1'b0;
reg                    s3_vip_oor_reg = 1'b0;
reg [15:0]             s3_vip_id_reg = 16'd0;

reg                    s4_valid_reg = 1'b0;
reg                    s4_bank_reg = 1'b0;
reg [31:0]             s4_mul_a_reg = 32'd0;
reg [31:0]             s4_mul_b_reg = 32'd0;
reg [RING_WIDTH-1:0]   s4_base_reg = {RING_WIDTH{1'b0}};
reg                    s4_hit_reg = 1'b0;
reg                    s4_empty_reg = 1'b0;
reg [15:0]             s4_vip_id_reg = 16'd0;

reg                    s5_valid_reg = 1'b0;
reg                    s5_bank_reg = 1'b0;
reg [4*32-1:0]         s5_pp_reg = 128'd0;       // partial products {hh, hl, lh, ll}
reg [RING_WIDTH-1:0]   s5_base_reg = {RING_WIDTH{1'b0}};
reg                    s5_hit_reg = 1'b0;
reg                    s5_empty_reg = 1'b0;
reg [15:0]             s5_vip_id_reg = 16'd0;

reg                    s6_valid_reg = 1'b0;
reg                    s6_bank_reg = 1'b0;
reg [4*32-1:0]         s6_pp_reg = 128'd0;
reg [RING_WIDTH-1:0]   s6_base_reg = {RING_WIDTH{1'b0}};
reg                    s6_hit_reg = 1'b0;
reg                    s6_empty_reg = 1'b0;
reg [15:0]             s6_vip_id_reg = 16'd0;

reg                    s7_valid_reg = 1'b0;
reg                    s7_bank_reg = 1'b0;
reg [1:0]              s7_carry1_reg = 2'd0;     // carry out of product bits [31:16]
reg [17:0]             s7_col2_reg = 18'd0;      // product bits [47:32] before that carry
reg [15:0]             s7_col3_reg = 16'd0;      // product bits [63:48] before the carries
reg [RING_WIDTH-1:0]   s7_base_reg = {RING_WIDTH{1'b0}};
reg                    s7_hit_reg = 1'b0;
reg                    s7_empty_reg = 1'b0;
reg [15:0]             s7_vip_id_reg = 16'd0;

reg                    s8_valid_reg = 1'b0;
reg                    s8_bank_reg = 1'b0;
reg [17:0]             s8_lo_reg = 18'd0;        // ring_base[15:0] + product bits [47:32]
reg [15:0]             s8_hi_reg = 16'd0;        // ring_base >> 16 + product bits [63:48]
reg                    s8_hit_reg = 1'b0;
reg                    s8_empty_reg = 1'b0;
reg [15:0]             s8_vip_id_reg = 16'd0;

reg                    s9_valid_reg = 1'b0;
reg                    s9_bank_reg = 1'b0;
reg [RING_WIDTH-1:0]   s9_ring_idx_reg = {RING_WIDTH{1'b0}};
reg                    s9_hit_reg = 1'b0;
reg                    s9_empty_reg = 1'b0;
reg [15:0]             s9_vip_id_reg = 16'd0;

reg                    s10_valid_reg = 1'b0;
reg                    s10_bank_reg = 1'b0;
reg                    s10_hit_reg = 1'b0;
reg                    s10_empty_reg = 1'b0;
reg [15:0]             s10_vip_id_reg = 16'd0;

reg                    s11_valid_reg = 1'b0;
reg                    s11_bank_reg = 1'b0;
reg [BACKEND_WIDTH-1:0] s11_backend_reg = {BACKEND_WIDTH{1'b0}};
reg                    s11_hit_reg = 1'b0;
reg                    s11_empty_reg = 1'b0;
reg [15:0]             s11_vip_id_reg = 16'd0;

reg                    s12_valid_reg = 1'b0;
reg                    s12_hit_reg = 1'b0;
reg                    s12_empty_reg = 1'b0;
reg [15:0]             s12_vip_id_reg = 16'd0;
reg [BACKEND_WIDTH-1:0] s12_backend_reg = {BACKEND_WIDTH{1'b0}};

// a table read port moves only for a frame (a stage without one keeps its stale words, which no
// stage after it looks at)
wire hash_en = adv && in_valid;
// the address CRCs of one family only: s0 picks flow6/key6 or flow4/key4 by s0_ipv6_reg, which
// loads with them, so the other family's stale CRCs are never used (and never computed)
wire hash4_en = hash_en && !in_ipv6;
wire hash6_en = hash_en && in_ipv6;
wire rd_match = adv && s0_valid_reg;
wire rd_info = adv && s2_valid_reg;
wire rd_ring = adv && s9_valid_reg;
wire rd_backend = adv && s11_valid_reg;

/*
 * Hashes
 */
// The CRCs take their messages in wire order (the first byte in the top bits), as the addresses
// and ports arrive: plain wiring, no byte swaps.
wire [31:0] flow4_crc;
wire [31:0] flow6_crc;
wire [31:0] flow_port_crc;
// the VIP key hashes are used for the bucket bits only ([BUCKET_WIDTH-1:0] and [16 +: BUCKET_WIDTH])
localparam [15:0] BUCKET_MASK_16 = (16'd1 << BUCKET_WIDTH) - 16'd1;
localparam [31:0] KEY_BITS = {BUCKET_MASK_16, BUCKET_MASK_16};

wire [31:0] key4_crc;
wire [31:0] key6_crc;
wire [31:0] key_port_crc;

// flow keys with both ports 0: source, destination, source port, destination port, protocol
l4lb_crc32c #(.BYTE_COUNT(13)) flow4_crc_inst (
    .clk(clk),
    .en(hash4_en),
    .data({in_src[127:96], in_dst[127:96], 32'd0, in_proto}),
    .crc_init(~hash_seed),
    .crc_out(flow4_crc)
);

l4lb_crc32c #(.BYTE_COUNT(37)) flow6_crc_inst (
    .clk(clk),
    .en(hash6_en),
    .data({in_src, in_dst, 32'd0, in_proto}),
    .crc_init(~hash_seed),
    .crc_out(flow6_crc)
);

// VIP keys with port 0: destination, port, protocol
l4lb_crc32c #(.BYTE_COUNT(7), .OUT_BITS(KEY_BITS)) key4_crc_inst (
    .clk(clk),
    .en(hash4_en),
    .data({in_dst[127:96], 16'd0, in_proto}),
    .crc_init(32'hFFFFFFFF),
    .crc_out(key4_crc)
);

l4lb_crc32c #(.BYTE_COUNT(19), .OUT_BITS(KEY_BITS)) key6_crc_inst (
    .clk(clk),
    .en(hash6_en),
    .data({in_dst, 16'd0, in_proto}),
    .crc_init(32'hFFFFFFFF),
    .crc_out(key6_crc)
);

// The keys with the frame's ports: the CRC register is linear in (init, message), so the ports
// add what they alone contribute with a zero init. The ports are followed by the protocol byte
// only, in both key layouts and both IP versions, so one contribution serves IPv4 and IPv6 (a
// leading zero byte with zero init adds nothing). The port-0 hashes come first, so that each
// hash is one XOR tree deep plus at most one XOR.
l4lb_crc32c #(.BYTE_COUNT(5)) flow_port_crc_inst (
    .clk(clk),
    .en(hash_en),
    .data({in_sport, in_dport, 8'd0}),
    .crc_init(32'h00000000),
    .crc_out(flow_port_crc)
);

l4lb_crc32c #(.BYTE_COUNT(4), .OUT_BITS(KEY_BITS)) key_port_crc_inst (
    .clk(clk),
    .en(hash_en),
    .data({8'd0, in_dport, 8'd0}),
    .crc_init(32'h00000000),
    .crc_out(key_port_crc)
);

// the hashes of the frame in s0 (the CRCs are registers that load with s0)
wire [31:0] s0_hash_z = s0_ipv6_reg ? ~flow6_crc : ~flow4_crc;
wire [31:0] s0_hash = s0_hash_z ^ flow_port_crc;
wire [31:0] key_hash_b = s0_ipv6_reg ? ~key6_crc : ~key4_crc;
wire [31:0] key_hash_a = key_hash_b ^ key_port_crc;
// bucket per probe (A, B) and bank
wire [BUCKET_WIDTH-1:0] bucket [0:3];
assign bucket[0] = key_hash_a[BUCKET_WIDTH-1:0];
assign bucket[1] = key_hash_a[16 +: BUCKET_WIDTH];
assign bucket[2] = key_hash_b[BUCKET_WIDTH-1:0];
assign bucket[3] = key_hash_b[16 +: BUCKET_WIDTH];

/*
 * VIP match table: per probe, bank and way, RAMs of VIP_BUCKETS words for slot words 0, 1-4
 * and 5
 */
wire [16*KEY_WIDTH-1:0] host_key;     // host read, {probe, bank, way} (probe B copies unused)
wire [16*128-1:0]       host_ip;
wire [16*16-1:0]        host_id;

wire [KEY_WIDTH-1:0] host_key_wdata = {h_wdata_reg[31:16], h_wdata_reg[15:8], h_wdata_reg[1:0]};

localparam integer VIP_COUNT_INT = VIP_COUNT;
localparam [15:0] VIP_COUNT_16 = VIP_COUNT_INT[15:0];

// The pipeline's read of each slot stays in the slot's own wires (key_rd, ip_rd0-3, id_rd), used
// only by the slot's s1 -> s2 registers: gathered into one bus, their copy would run every cycle
// in the simulator, frame or not (docs/performance.md).
genvar gs;
generate
    for (gs = 0; gs < 16; gs = gs + 1) begin : slot
        localparam SLOT = gs % 8;
        localparam BANK = SLOT / 4;
        localparam PROBE = gs / 8;
        wire [BUCKET_WIDTH-1:0] rd_bucket = bucket[2 * PROBE + BANK];
        wire [KEY_WIDTH-1:0] key_rd;
        wire [31:0] ip_rd0, ip_rd1, ip_rd2, ip_rd3;  // address bits [127:96], ..., [31:0]
        wire [15:0] id_rd;

        l4lb_ram_dp #(
            .WIDTH(KEY_WIDTH),
            .DEPTH(VIP_BUCKETS),
            .ADDR_WIDTH(BUCKET_WIDTH)
        )
        key_ram_inst (
            .clk(clk),
            .a_en(h_act_reg),
            .a_we(h_match_we_reg[6*SLOT]),
            .a_re(h_re_reg),
            .a_addr(h_bucket_reg),
            .a_wdata(host_key_wdata),
            .a_rdata(host_key[gs*KEY_WIDTH +: KEY_WIDTH]),
            .b_en(rd_match),
            .b_addr(rd_bucket),
            .b_rdata(key_rd)
        );

        // word 1 + w holds address bits [127 - 32*w -: 32]; four instances written out rather
        // than a loop, so that each read port drives a whole wire (a slice of one would be
        // copied every cycle)
        l4lb_ram_dp #(
            .WIDTH(32),
            .DEPTH(VIP_BUCKETS),
            .ADDR_WIDTH(BUCKET_WIDTH)
        )
        ip0_ram_inst (
            .clk(clk),
            .a_en(h_act_reg),
            .a_we(h_match_we_reg[6*SLOT+1]),
            .a_re(h_re_reg),
            .a_addr(h_bucket_reg),
            .a_wdata(h_wdata_reg),
            .a_rdata(host_ip[gs*128 + 96 +: 32]),
            .b_en(rd_match),
            .b_addr(rd_bucket),
            .b_rdata(ip_rd0)
        );

        l4lb_ram_dp #(
            .WIDTH(32),
            .DEPTH(VIP_BUCKETS),
            .ADDR_WIDTH(BUCKET_WIDTH)
        )
        ip1_ram_inst (
            .clk(clk),
            .a_en(h_act_reg),
            .a_we(h_match_we_reg[6*SLOT+2]),
            .a_re(h_re_reg),
            .a_addr(h_bucket_reg),
            .a_wdata(h_wdata_reg),
            .a_rdata(host_ip[gs*128 + 64 +: 32]),
            .b_en(rd_match),
            .b_addr(rd_bucket),
            .b_rdata(ip_rd1)
        );

        l4lb_ram_dp #(
            .WIDTH(32),
            .DEPTH(VIP_BUCKETS),
            .ADDR_WIDTH(BUCKET_WIDTH)
        )
        ip2_ram_inst (
            .clk(clk),
            .a_en(h_act_reg),
            .a_we(h_match_we_reg[6*SLOT+3]),
            .a_re(h_re_reg),
            .a_addr(h_bucket_reg),
            .a_wdata(h_wdata_reg),
            .a_rdata(host_ip[gs*128 + 32 +: 32]),
            .b_en(rd_match),
            .b_addr(rd_bucket),
            .b_rdata(ip_rd2)
        );

        l4lb_ram_dp #(
            .WIDTH(32),
            .DEPTH(VIP_BUCKETS),
            .ADDR_WIDTH(BUCKET_WIDTH)
        )
        ip3_ram_inst (
            .clk(clk),
            .a_en(h_act_reg),
            .a_we(h_match_we_reg[6*SLOT+4]),
            .a_re(h_re_reg),
            .a_addr(h_bucket_reg),
            .a_wdata(h_wdata_reg),
            .a_rdata(host_ip[gs*128 +: 32]),
            .b_en(rd_match),
            .b_addr(rd_bucket),
            .b_rdata(ip_rd3)
        );

        l4lb_ram_dp #(
            .WIDTH(16),
            .DEPTH(VIP_BUCKETS),
            .ADDR_WIDTH(BUCKET_WIDTH)
        )
        id_ram_inst (
            .clk(clk),
            .a_en(h_act_reg),
            .a_we(h_match_we_reg[6*SLOT+5]),
            .a_re(h_re_reg),
            .a_addr(h_bucket_reg),
            .a_wdata(h_wdata_reg[15:0]),
            .a_rdata(host_id[gs*16 +: 16]),
            .b_en(rd_match),
            .b_addr(rd_bucket),
            .b_rdata(id_rd)
        );

        // s1 -> s2: does the slot hold the key (probe A: the frame's port, probe B: port 0), its
        // vip_id and whether that is out of range; loaded only for a frame, so that the
        // compares are made only then
        always @(posedge clk) begin
            if (adv && s1_valid_reg) begin
                s2_slot_match_reg[gs] <= key_rd[0] &&
                                         key_rd[1] == s1_ipv6_reg &&
                                         key_rd[10 +: 16] == (gs < 8 ? s1_dst_port_reg : 16'd0) &&
                                         key_rd[2 +: 8] == s1_proto_reg &&
                                         {ip_rd0, ip_rd1, ip_rd2, ip_rd3} == s1_dst_ip_reg &&
                                         (gs >= 8 || s1_probe_a_reg);
                s2_ids_reg[gs*16 +: 16] <= id_rd;
                s2_oor_reg[gs] <= id_rd >= VIP_COUNT_16;
            end
        end
    end
endgenerate

integer si;

// s2: the first matching slot in (bank, way) order of probe A, else of probe B, gives the vip_id
reg        s2_hit;
reg        s2_hit_a;
reg [15:0] s2_vip_id;
reg [15:0] s2_vip_id_a;
reg [15:0] s2_vip_id_b;
reg        s2_vip_oor_a;
reg        s2_vip_oor_b;
reg        s2_vip_oor;
always @* begin
    s2_hit_a = s2_slot_match_reg[7:0] != 8'd0;
    s2_hit = s2_hit_a || s2_slot_match_reg[15:8] != 8'd0;
    s2_vip_id_a = 16'd0;
    s2_vip_id_b = 16'd0;
    s2_vip_oor_a = 1'b0;
    s2_vip_oor_b = 1'b0;
    for (si = 7; si >= 0; si = si - 1) begin
        if (s2_slot_match_reg[si]) begin
            s2_vip_id_a = s2_ids_reg[si*16 +: 16];
            s2_vip_oor_a = s2_oor_reg[si];
        end
        if (s2_slot_match_reg[8 + si]) begin
            s2_vip_id_b = s2_ids_reg[(8 + si)*16 +: 16];
            s2_vip_oor_b = s2_oor_reg[8 + si];
        end
    end
    s2_vip_id = s2_hit_a ? s2_vip_id_a : s2_vip_id_b;
    // the range check of each slot's vip_id is made in s1 (a compare in front of the info
    // RAM address would be one carry chain more)
    s2_vip_oor = s2_hit_a ? s2_vip_oor_a : s2_vip_oor_b;
end

/*
 * VIP info table
 */
wire [31:0] info_base;
wire [31:0] info_size;
wire [31:0] host_info_base;
wire [31:0] host_info_size;

wire [VIP_WIDTH-1:0] info_rd_idx = s2_vip_oor ? {VIP_WIDTH{1'b0}} : s2_vip_id[VIP_WIDTH-1:0];
// {bank, vip_id}: the frame's bank selects the half of each info RAM
wire [VIP_WIDTH:0] info_rd_addr = {s2_bank_reg, info_rd_idx};
wire [VIP_WIDTH:0] h_info_addr = {h_bank_reg, h_info_idx_reg};

l4lb_ram_dp #(
    .WIDTH(32),
    .DEPTH(2 * VIP_COUNT),
    .ADDR_WIDTH(VIP_WIDTH + 1)
)
info_base_ram_inst (
    .clk(clk),
    .a_en(h_act_reg),
    .a_we(h_info_we_reg[0]),
    .a_re(h_re_reg),
    .a_addr(h_info_addr),
    .a_wdata(h_wdata_reg),
    .a_rdata(host_info_base),
    .b_en(rd_info),
    .b_addr(info_rd_addr),
    .b_rdata(info_base)
);

l4lb_ram_dp #(
    .WIDTH(32),
    .DEPTH(2 * VIP_COUNT),
    .ADDR_WIDTH(VIP_WIDTH + 1)
)
info_size_ram_inst (
    .clk(clk),
    .a_en(h_act_reg),
    .a_we(h_info_we_reg[1]),
    .a_re(h_re_reg),
    .a_addr(h_info_addr),
    .a_wdata(h_wdata_reg),
    .a_rdata(host_info_size),
    .b_en(rd_info),
    .b_addr(info_rd_addr),
    .b_rdata(info_size)
);

/*
 * Ring
 */
wire [15:0] ring_word;
wire [15:0] host_ring;

l4lb_ram_dp #(
    .WIDTH(16),
    .DEPTH(2 * RING_ENTRIES),
    .ADDR_WIDTH(RING_WIDTH + 1)
)
ring_ram_inst (
    .clk(clk),
    .a_en(h_act_reg),
    .a_we(h_ring_we_reg),
    .a_re(h_re_reg),
    .a_addr({h_bank_reg, h_ring_idx_reg}),
    .a_wdata(h_wdata_reg[15:0]),
    .a_rdata(host_ring),
    .b_en(rd_ring),
    .b_addr({s9_bank_reg, s9_ring_idx_reg}),
    .b_rdata(ring_word)
);

/*
 * Backends: word 0 [2:0] {mac_valid, ipv6, valid}, word 1 MAC bytes 0-3, word 2 MAC bytes 4-5,
 * words 4-7 the address (IPv4 in word 4)
 */
wire [2:0]  be_flags;
wire [31:0] be_mac_hi;
wire [15:0] be_mac_lo;
wire [127:0] be_ip;
wire [2:0]  host_be_flags;
wire [31:0] host_be_mac_hi;
wire [15:0] host_be_mac_lo;
wire [127:0] host_be_ip;

l4lb_ram_dp #(
    .WIDTH(3),
    .DEPTH(2 * BACKEND_COUNT),
    .ADDR_WIDTH(BACKEND_WIDTH + 1)
)
be_flags_ram_inst (
    .clk(clk),
    .a_en(h_act_reg),
    .a_we(h_backend_we_reg[0]),
    .a_re(h_re_reg),
    .a_addr({h_bank_reg, h_backend_idx_reg}),
    .a_wdata(h_wdata_reg[2:0]),
    .a_rdata(host_be_flags),
    .b_en(rd_backend),
    .b_addr({s11_bank_reg, s11_backend_reg}),
    .b_rdata(be_flags)
);

l4lb_ram_dp #(
    .WIDTH(32),
    .DEPTH(2 * BACKEND_COUNT),
    .ADDR_WIDTH(BACKEND_WIDTH + 1)
)
be_mac_hi_ram_inst (
    .clk(clk),
    .a_en(h_act_reg),
    .a_we(h_backend_we_reg[1]),
    .a_re(h_re_reg),
    .a_addr({h_bank_reg, h_backend_idx_reg}),
    .a_wdata(h_wdata_reg),
    .a_rdata(host_be_mac_hi),
    .b_en(rd_backend),
    .b_addr({s11_bank_reg, s11_backend_reg}),
    .b_rdata(be_mac_hi)
);

l4lb_ram_dp #(
    .WIDTH(16),
    .DEPTH(2 * BACKEND_COUNT),
    .ADDR_WIDTH(BACKEND_WIDTH + 1)
)
be_mac_lo_ram_inst (
    .clk(clk),
    .a_en(h_act_reg),
    .a_we(h_backend_we_reg[2]),
    .a_re(h_re_reg),
    .a_addr({h_bank_reg, h_backend_idx_reg}),
    .a_wdata(h_wdata_reg[15:0]),
    .a_rdata(host_be_mac_lo),
    .b_en(rd_backend),
    .b_addr({s11_bank_reg, s11_backend_reg}),
    .b_rdata(be_mac_lo)
);

genvar gb;
generate
    for (gb = 0; gb < 4; gb = gb + 1) begin : be_addr_word
        l4lb_ram_dp #(
            .WIDTH(32),
            .DEPTH(2 * BACKEND_COUNT),
            .ADDR_WIDTH(BACKEND_WIDTH + 1)
        )
        be_ip_ram_inst (
            .clk(clk),
            .a_en(h_act_reg),
            .a_we(h_backend_we_reg[3+gb]),
            .a_re(h_re_reg),
            .a_addr({h_bank_reg, h_backend_idx_reg}),
            .a_wdata(h_wdata_reg),
            .a_rdata(host_be_ip[96 - 32*gb +: 32]),
            .b_en(rd_backend),
            .b_addr({s11_bank_reg, s11_backend_reg}),
            .b_rdata(be_ip[96 - 32*gb +: 32])
        );
    end
endgenerate

// s5: the four 16 x 16 multiplies (32-bit results)
wire [31:0] mul_ll = s4_mul_a_reg[15:0] * s4_mul_b_reg[15:0];
wire [31:0] mul_lh = s4_mul_a_reg[15:0] * s4_mul_b_reg[31:16];
wire [31:0] mul_hl = s4_mul_a_reg[31:16] * s4_mul_b_reg[15:0];
wire [31:0] mul_hh = s4_mul_a_reg[31:16] * s4_mul_b_reg[31:16];

/*
 * Product columns and ring index (s7-s9). The 64-bit product h * ring_size is the sum of the
 * four 32-bit partial products of the 16-bit halves: ll + (lh + hl) << 16 + hh << 32. Only
 * bits 32 and up matter, and the carry into bit 32.
 */
wire [31:0] pp_ll = s6_pp_reg[0 +: 32];
wire [31:0] pp_lh = s6_pp_reg[32 +: 32];
wire [31:0] pp_hl = s6_pp_reg[64 +: 32];
wire [31:0] pp_hh = s6_pp_reg[96 +: 32];
// bits [31:16] and [47:32] of the product, each with the carry out of its column
wire [17:0] col1 = {2'd0, pp_ll[31:16]} + {2'd0, pp_lh[15:0]} + {2'd0, pp_hl[15:0]};
wire [17:0] col2 = {2'd0, pp_lh[31:16]} + {2'd0, pp_hl[31:16]} + {2'd0, pp_hh[15:0]};
wire [31:0] base32 = {{32-RING_WIDTH{1'b0}}, s7_base_reg};
wire [31:0] ring_sum = {s8_hi_reg + {14'd0, s8_lo_reg[17:16]}, s8_lo_reg[15:0]};

/*
 * Banks read by frames in flight: s1..s12 (s12's backend words are still being read out).
 * busy_b_reg[k] is s(k+1)_valid_reg && s(k+1)_bank_reg == b, kept as a shift register of its
 * own (it moves as the stages do: s1 loads table_bank with a frame, s2 only with a frame, s3-s12
 * on every advance), so that the busy bits are an OR of one register each rather than of 24 bits
 * gathered every cycle.
 */
reg [11:0] busy_1_reg = 12'd0;
reg [11:0] busy_0_reg = 12'd0;
reg [1:0] bank_busy_reg = 2'd0;
assign bank_busy = bank_busy_reg;

always @(posedge clk) begin
    if (adv) begin
        busy_1_reg <= {busy_1_reg[10:0], s0_valid_reg && table_bank};
        busy_0_reg <= {busy_0_reg[10:0], s0_valid_reg && !table_bank};
    end
    bank_busy_reg <= {busy_1_reg != 12'd0, busy_0_reg != 12'd0};
    if (rst) begin
        busy_1_reg <= 12'd0;
        busy_0_reg <= 12'd0;
        bank_busy_reg <= 2'd0;
    end
end

/*
 * Outputs
 */
assign out_valid = s12_valid_reg;
// side band bits of the frame: {ipv6, fragment}
wire s12_ipv6 = s12_side[PASS_WIDTH+1];
wire s12_fragment = s12_side[PASS_WIDTH];
assign out_reason = !s12_hit_reg ? (s12_fragment ? R_FRAGMENT : R_NO_VIP) :
                    (s12_empty_reg || !be_flags[0] || be_flags[1] != s12_ipv6) ? R_NO_BACKEND :
                    4'd0;
assign out_vip_id = s12_vip_id_reg;
assign out_backend = s12_backend_reg;
assign out_mac_valid = be_flags[2];
assign out_mac = {be_mac_hi, be_mac_lo};
assign out_ip = be_ip;
assign out_pass = s12_side[PASS_WIDTH-1:0];

/*
 * Pipeline
 */
// {ipv6, fragment, pass} from s0 to s12, past the stages that do not read it (written once and
// read once per frame)
l4lb_sideband #(
    .WIDTH(IPW),
    .STAGES(12)
)
side_inst (
    .clk(clk),
    .rst(rst),
    .adv(adv),
    .in_valid(s0_valid_reg),
    .in_data(s0_side_reg),
    .out_load(adv && s11_valid_reg),
    .out_data(s12_side)
);

always @(posedge clk) begin
    if (adv) begin
        // s0: the CRCs (in their instances)
        s0_valid_reg <= in_valid;
        if (in_valid) begin
            s0_ipv6_reg <= in_ipv6;
            s0_fragment_reg <= in_fragment;
            s0_dst_reg <= in_dst;
            s0_dport_reg <= in_dport;
            s0_proto_reg <= in_proto;
            s0_side_reg <= {in_ipv6, in_fragment, in_pass};
        end

        // s1: match RAMs read
        s1_valid_reg <= s0_valid_reg;
        if (s0_valid_reg) begin
            s1_bank_reg <= table_bank;
            s1_hash_reg <= s0_hash;
            s1_hash_z_reg <= s0_hash_z;
            s1_ipv6_reg <= s0_ipv6_reg;
            s1_probe_a_reg <= !s0_fragment_reg && s0_dport_reg != 16'd0;
            s1_dst_ip_reg <= s0_dst_reg;
            s1_dst_port_reg <= s0_dport_reg;
            s1_proto_reg <= s0_proto_reg;
        end

        // s2: compare
        s2_valid_reg <= s1_valid_reg;
        if (s1_valid_reg) begin
            s2_bank_reg <= s1_bank_reg;
            s2_hash_reg <= s1_hash_reg;
            s2_hash_z_reg <= s1_hash_z_reg;
        end

        // s3 to s12 load on every advance, frame or not (their valid bits say which hold one):
        // narrow registers, and a branch per stage on where the frames are costs the simulator
        // more than the copies when frame lengths vary (docs/performance.md)

        // s3: info RAM read
        s3_valid_reg <= s2_valid_reg;
        s3_bank_reg <= s2_bank_reg;
        s3_hash_reg <= s2_hit_a ? s2_hash_reg : s2_hash_z_reg;
        s3_hit_reg <= s2_hit;
        s3_vip_oor_reg <= s2_vip_oor;
        s3_vip_id_reg <= s2_vip_id;

        // s4: multiplier inputs
        s4_valid_reg <= s3_valid_reg;
        s4_bank_reg <= s3_bank_reg;
        s4_mul_a_reg <= s3_hash_reg;
        s4_mul_b_reg <= info_size;
        s4_base_reg <= info_base[RING_WIDTH-1:0];
        s4_hit_reg <= s3_hit_reg;
        s4_empty_reg <= s3_vip_oor_reg || info_size == 32'd0;
        s4_vip_id_reg <= s3_vip_id_reg;

        // s5: partial products of 16-bit halves, one DSP each (the multiply of a DSP48E2
        // between its input registers (s4) and its M register)
        s5_valid_reg <= s4_valid_reg;
        s5_bank_reg <= s4_bank_reg;
        s5_pp_reg <= {mul_hh, mul_hl, mul_lh, mul_ll};
        s5_base_reg <= s4_base_reg;
        s5_hit_reg <= s4_hit_reg;
        s5_empty_reg <= s4_empty_reg;
        s5_vip_id_reg <= s4_vip_id_reg;

        // s6: partial products, second register (the DSP's P register)
        s6_valid_reg <= s5_valid_reg;
        s6_bank_reg <= s5_bank_reg;
        s6_pp_reg <= s5_pp_reg;
        s6_base_reg <= s5_base_reg;
        s6_hit_reg <= s5_hit_reg;
        s6_empty_reg <= s5_empty_reg;
        s6_vip_id_reg <= s5_vip_id_reg;

        // s7: product columns (16 bits each, three terms at most)
        s7_valid_reg <= s6_valid_reg;
        s7_bank_reg <= s6_bank_reg;
        s7_carry1_reg <= col1[17:16];
        s7_col2_reg <= col2;
        s7_col3_reg <= pp_hh[31:16];
        s7_base_reg <= s6_base_reg;
        s7_hit_reg <= s6_hit_reg;
        s7_empty_reg <= s6_empty_reg;
        s7_vip_id_reg <= s6_vip_id_reg;

        // s8: ring_base + (product >> 32), low 16 bits with their carry, and the high bits
        s8_valid_reg <= s7_valid_reg;
        s8_bank_reg <= s7_bank_reg;
        s8_lo_reg <= s7_col2_reg + {16'd0, s7_carry1_reg} + {2'd0, base32[15:0]};
        s8_hi_reg <= s7_col3_reg + base32[31:16];
        s8_hit_reg <= s7_hit_reg;
        s8_empty_reg <= s7_empty_reg;
        s8_vip_id_reg <= s7_vip_id_reg;

        // s9: ring index r = (ring_base + (product >> 32)) mod RING_ENTRIES
        s9_valid_reg <= s8_valid_reg;
        s9_bank_reg <= s8_bank_reg;
        s9_ring_idx_reg <= ring_sum[RING_WIDTH-1:0];
        s9_hit_reg <= s8_hit_reg;
        s9_empty_reg <= s8_empty_reg;
        s9_vip_id_reg <= s8_vip_id_reg;

        // s10: ring RAM read
        s10_valid_reg <= s9_valid_reg;
        s10_bank_reg <= s9_bank_reg;
        s10_hit_reg <= s9_hit_reg;
        s10_empty_reg <= s9_empty_reg;
        s10_vip_id_reg <= s9_vip_id_reg;

        // s11: backend index
        s11_valid_reg <= s10_valid_reg;
        s11_bank_reg <= s10_bank_reg;
        s11_backend_reg <= ring_word[BACKEND_WIDTH-1:0];
        s11_hit_reg <= s10_hit_reg;
        s11_empty_reg <= s10_empty_reg;
        s11_vip_id_reg <= s10_vip_id_reg;

        // s12: backend RAM read
        s12_valid_reg <= s11_valid_reg;
        s12_hit_reg <= s11_hit_reg;
        s12_empty_reg <= s11_empty_reg;
        s12_vip_id_reg <= s11_vip_id_reg;
        s12_backend_reg <= s11_backend_reg;
    end

    if (rst) begin
        s0_valid_reg <= 1'b0;
        s1_valid_reg <= 1'b0;
        s2_valid_reg <= 1'b0;
        s3_valid_reg <= 1'b0;
        s4_valid_reg <= 1'b0;
        s5_valid_reg <= 1'b0;
        s6_valid_reg <= 1'b0;
        s7_valid_reg <= 1'b0;
        s8_valid_reg <= 1'b0;
        s9_valid_reg <= 1'b0;
        s10_valid_reg <= 1'b0;
        s11_valid_reg <= 1'b0;
        s12_valid_reg <= 1'b0;
    end
end

/*
 * Host requests
 */
// a VIP match slot word as the host reads it: pick is one-hot over {slot, word} (the layout of
// the write enables, decoded with the request), so that the read data is an AND-OR
function [31:0] match_word_read;
    input [47:0]            pick;
    input [8*KEY_WIDTH-1:0] keys;
    input [8*128-1:0]       addrs;
    input [8*16-1:0]        ids;
    integer i, w;
    begin
        match_word_read = 32'd0;
        for (i = 0; i < 8; i = i + 1) begin
            match_word_read = match_word_read |
                ({keys[i*KEY_WIDTH+2 +: 24], 6'd0, keys[i*KEY_WIDTH +: 2]} & {32{pick[6*i]}}) |
                ({16'd0, ids[i*16 +: 16]} & {32{pick[6*i+5]}});
            for (w = 0; w < 4; w = w + 1) begin
                match_word_read = match_word_read | (addrs[i*128 + 96 - 32*w +: 32] & {32{pick[6*i+1+w]}});
            end
        end
    end
endfunction

// {ring, backend, info, match} enables of a request at addr (writes) or words to pick (reads);
// decoded inside the request's branch below, so that cycles without one do not decode it
function [57:0] host_word_onehot;
    input [31:0] addr;
    begin
        host_word_onehot = host_write_enables(host_table(addr), host_table_word(host_table(addr), addr[4:2]),
                                              host_slot(addr));
    end
endfunction

// the match RAM words of a request (reads pick one of them)
function [47:0] host_match_pick;
    input [31:0] addr;
    /* verilator lint_off UNUSEDSIGNAL */ reg [57:0] onehot; /* verilator lint_on UNUSEDSIGNAL */ // only the match words
    begin
        onehot = host_word_onehot(addr);
        host_match_pick = onehot[47:0];
    end
endfunction

always @(posedge clk) begin
    h_match_we_reg <= 48'd0;
    h_info_we_reg <= 2'd0;
    h_backend_we_reg <= 7'd0;
    h_ring_we_reg <= 1'b0;
    h_re_reg <= host_re;
    h_act_reg <= host_we || host_re;
    h_mux_reg <= h_re_reg;

    if (host_we || host_re) begin
        h_sel_reg <= host_table(host_addr);
        h_word_reg <= host_table_word(host_table(host_addr), host_addr[4:2]);
        h_bank_reg <= host_bank(host_table(host_addr), host_addr);
        h_bucket_reg <= host_addr[MATCH_SHIFT+2 +: BUCKET_WIDTH];
        h_info_idx_reg <= host_addr[INFO_SHIFT +: VIP_WIDTH];
        h_backend_idx_reg <= host_addr[BACKEND_SHIFT +: BACKEND_WIDTH];
        h_ring_idx_reg <= host_addr[RING_SHIFT +: RING_WIDTH];
        h_wdata_reg <= host_wdata;
        h_match_pick_reg <= host_match_pick(host_addr);
        if (host_we) begin
            {h_ring_we_reg, h_backend_we_reg, h_info_we_reg, h_match_we_reg} <= host_word_onehot(host_addr);
        end
    end

    // read data of the RAMs read in the previous cycle
    if (h_mux_reg) begin
        case (h_sel_reg)
            SEL_MATCH: begin
                host_rdata_reg <= match_word_read(h_match_pick_reg, host_key[8*KEY_WIDTH-1:0],
                                                  host_ip[8*128-1:0], host_id[8*16-1:0]);
            end
            SEL_INFO: begin
                case (h_word_reg)
                    VIP_INFO_W_RING_BASE[2:0], VIP_INFO_W_RING_BASE_1[2:0]: host_rdata_reg <= host_info_base;
                    VIP_INFO_W_RING_SIZE[2:0], VIP_INFO_W_RING_SIZE_1[2:0]: host_rdata_reg <= host_info_size;
                    default: host_rdata_reg <= 32'd0;
                endcase
            end
            SEL_BACKEND: begin
                case (h_word_reg)
                    BACKEND_W_FLAGS[2:0]: host_rdata_reg <= {29'd0, host_be_flags};
                    BACKEND_W_MAC_HI[2:0]: host_rdata_reg <= host_be_mac_hi;
                    BACKEND_W_MAC_LO[2:0]: host_rdata_reg <= {16'd0, host_be_mac_lo};
                    BACKEND_W_ADDR[2:0]: host_rdata_reg <= host_be_ip[127:96];
                    BACKEND_W_ADDR[2:0] + 3'd1: host_rdata_reg <= host_be_ip[95:64];
                    BACKEND_W_ADDR[2:0] + 3'd2: host_rdata_reg <= host_be_ip[63:32];
                    BACKEND_W_ADDR[2:0] + 3'd3: host_rdata_reg <= host_be_ip[31:0];
                    default: host_rdata_reg <= 32'd0;
                endcase
            end
            SEL_RING: host_rdata_reg <= {16'd0, host_ring};
            default: host_rdata_reg <= 32'd0;
        endcase
    end

    if (rst) begin
        h_match_we_reg <= 48'd0;
        h_info_we_reg <= 2'd0;
        h_backend_we_reg <= 7'd0;
        h_ring_we_reg <= 1'b0;
        h_re_reg <= 1'b0;
        h_act_reg <= 1'b0;
        h_mux_reg <= 1'b0;
    end
end

// bits above the table sizes (the hash bits not indexing, upper ring base / ring word bits, the
// product bits outside the ring index), and the host-side reads of the probe B copies
wire _unused_ok = &{1'b0, key_hash_a, key_hash_b, pp_ll[15:0], col1[15:0], ring_sum, info_base, ring_word,
                    host_key, host_ip, host_id, 1'b0};

endmodule

`resetall
