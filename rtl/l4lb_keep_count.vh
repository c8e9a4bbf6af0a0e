// l4lb: byte count of a beat from its tkeep (contiguous from lane 0), a function to include
//
// For a tkeep contiguous from lane 0 (n lanes set), the bit above the last set lane is the only
// falling edge: edge = keep & ~(keep >> 1) is one-hot at lane n-1 (zero when n = 0), and count
// bit b is the OR of the edge lanes i with bit b of i+1 set. Two logic levels. A function rather
// than a module, so that it is computed where it is called: in the branch of a register load
// that takes the count (the last beat of a frame), the simulator counts only then.
//
// The including module defines KEEP_WIDTH (lanes) and CNT_WIDTH ($clog2(KEEP_WIDTH + 1)).

// lanes i whose count i+1 has bit b set, for every count bit b
function [CNT_WIDTH*KEEP_WIDTH-1:0] keep_count_masks;
    input integer lanes;
    integer b, i;
    begin
        keep_count_masks = {CNT_WIDTH*KEEP_WIDTH{1'b0}};
        for (b = 0; b < CNT_WIDTH; b = b + 1) begin
            for (i = 0; i < lanes; i = i + 1) begin
                keep_count_masks[b*KEEP_WIDTH + i] = (((i + 1) >> b) & 1) != 0;
            end
        end
    end
endfunction

localparam [CNT_WIDTH*KEEP_WIDTH-1:0] KEEP_COUNT_MASKS = keep_count_masks(KEEP_WIDTH);

function [CNT_WIDTH-1:0] keep_count;
    input [KEEP_WIDTH-1:0] keep;
    reg [KEEP_WIDTH-1:0] edge_lane;
    integer b;
    begin
        edge_lane = keep & ~(keep >> 1);
        for (b = 0; b < CNT_WIDTH; b = b + 1) begin
            keep_count[b] = |(edge_lane & KEEP_COUNT_MASKS[b*KEEP_WIDTH +: KEEP_WIDTH]);
        end
    end
endfunction
