// mmu_perm_check.sv — the permission check of a TLB hit: walk_check_perm
// (model/src/pt/walk.c) on the rights the entry cached. x86: U/S with SMEP
// and SMAP (EFLAGS.AC taken as 0), R/W with CR0.WP, XD. RISC-V: the leaf's
// U with SUM (S-mode never executes user pages), X, R or MXR, W. Then A
// and, for stores, D. Purely combinational.
module mmu_perm_check import mmu_pkg::*; (
  input  logic             is_x86_i,
  input  logic             wp_i,
  input  logic             smep_i,
  input  logic             smap_i,
  input  logic             sum_i,
  input  logic             mxr_i,
  input  logic [PermW-1:0] perm_i,
  input  logic [1:0]       access_i,
  input  logic             priv_i,
  output logic [3:0]       fault_o
);
  logic r, w, x, u, a, d;
  logic is_ifetch, is_load, is_store;
  logic unused_global;

  assign r = perm_i[PermBitR];
  assign w = perm_i[PermBitW];
  assign x = perm_i[PermBitX];
  assign u = perm_i[PermBitU];
  assign a = perm_i[PermBitA];
  assign d = perm_i[PermBitD];
  assign unused_global = perm_i[PermBitG];
  assign is_ifetch = access_i == AccIfetch;
  assign is_load = access_i == AccLoad;
  assign is_store = access_i == AccStore;

  always_comb begin
    fault_o = FaultNone;
    if (is_x86_i) begin
      if (priv_i == PrivUser && !u) begin
        fault_o = FaultPermUser;
      end else if (priv_i == PrivSupervisor && u && (is_ifetch ? smep_i : smap_i)) begin
        fault_o = FaultPermSupervisor;
      end else if (is_store && !w && (priv_i == PrivUser || wp_i)) begin
        fault_o = FaultPermWrite;
      end else if (is_ifetch && !x) begin
        fault_o = FaultPermExec;
      end
    end else begin
      if (priv_i == PrivUser && !u) begin
        fault_o = FaultPermUser;
      end else if (priv_i == PrivSupervisor && u && (is_ifetch || !sum_i)) begin
        fault_o = FaultPermSupervisor;
      end else if (is_ifetch && !x) begin
        fault_o = FaultPermExec;
      end else if (is_load && !(r || (mxr_i && x))) begin
        fault_o = FaultPermRead;
      end else if (is_store && !w) begin
        fault_o = FaultPermWrite;
      end
    end
    if (fault_o == FaultNone) begin
      if (!a) begin
        fault_o = FaultAccessedClear;
      end else if (is_store && !d) begin
        fault_o = FaultDirtyClear;
      end
    end
  end
endmodule
