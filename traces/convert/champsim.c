/*
 * champsim.c — ChampSim input_instr traces to native records. A record is
 * 64 packed little-endian bytes: ip u64, is_branch u8, branch_taken u8,
 * destination_registers[2] u8, source_registers[4] u8,
 * destination_memory[2] u64, source_memory[4] u64. Each becomes an ifetch
 * at ip carrying its one instruction, a load per nonzero source_memory and
 * a store per nonzero destination_memory, each of 8 bytes because
 * ChampSim records no access size.
 */
#include "convert_internal.h"

#define CHAMPSIM_ACCESS_BYTES 8u
#define CHAMPSIM_IFETCH_BYTES 4u  /* x86 instructions vary; ChampSim keeps no length */
#define CHAMPSIM_DEST_MEM 16u     /* byte offsets in the record */
#define CHAMPSIM_SRC_MEM 32u
#define CHAMPSIM_N_DEST 2u
#define CHAMPSIM_N_SRC 4u

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static int emit_operands(conv_emitter *em, const uint8_t *rec, unsigned at, unsigned n,
                         mm_access access, mm_error *err)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t va = load_le64(rec + at + 8 * i);
        if (!va)
            continue;
        int rc = conv_emitter_access(em, access, va, CHAMPSIM_ACCESS_BYTES, err);
        if (rc)
            return rc;
    }
    return MM_OK;
}

int trace_convert_champsim(trace_input *src, const trace_convert_options *opt,
                           const trace_record_sink *sink, trace_convert_stats *stats, mm_error *err)
{
    conv_emitter em;
    conv_emitter_init(&em, opt, sink, stats);
    uint8_t rec[TRACE_CHAMPSIM_RECORD_BYTES];
    for (;;) {
        uint64_t at = trace_input_offset(src);
        long n = trace_input_read(src, rec, sizeof rec, err);
        if (n < 0)
            return (int)n;
        if (n == 0)
            break;
        if ((size_t)n < sizeof rec)
            return mm_fail(err, MM_ERR_FORMAT,
                           "%s: record %llu (byte %llu): truncated ChampSim record, %ld of %u "
                           "bytes",
                           trace_input_name(src), (unsigned long long)stats->units,
                           (unsigned long long)at, n, TRACE_CHAMPSIM_RECORD_BYTES);
        stats->units++;
        /* The ifetch carries its own instruction, so its loads and stores
         * carry none; without ifetches the first of them takes it. */
        em.pending++;
        int rc = conv_emitter_access(&em, MM_ACCESS_IFETCH, load_le64(rec), CHAMPSIM_IFETCH_BYTES,
                                     err);
        if (!rc)
            rc = emit_operands(&em, rec, CHAMPSIM_SRC_MEM, CHAMPSIM_N_SRC, MM_ACCESS_LOAD, err);
        if (!rc)
            rc = emit_operands(&em, rec, CHAMPSIM_DEST_MEM, CHAMPSIM_N_DEST, MM_ACCESS_STORE, err);
        if (rc)
            return rc;
    }
    conv_emitter_finish(&em);
    if (!stats->units)
        return mm_fail(err, MM_ERR_FORMAT, "%s: empty input (byte 0): no ChampSim records",
                       trace_input_name(src));
    return MM_OK;
}
