/* common.c — names of the shared enums and the error record helper. */
#include "mmulab/common.h"

#include <stdarg.h>
#include <stdio.h>

static const char *const fault_names[MM_FAULT_COUNT] = {
    "none",           "not_present",          "perm_read",    "perm_write",
    "perm_exec",      "perm_user",            "perm_supervisor", "reserved",
    "misaligned_superpage", "non_canonical",  "accessed_clear", "dirty_clear",
    "no_leaf",        "bus_error",
};

const char *mm_fault_name(mm_fault fault)
{
    return (unsigned)fault < MM_FAULT_COUNT ? fault_names[fault] : "unknown";
}

const char *mm_access_name(mm_access access)
{
    static const char *const names[MM_ACCESS_COUNT] = {"ifetch", "load", "store"};
    return (unsigned)access < MM_ACCESS_COUNT ? names[access] : "unknown";
}

int mm_fail(mm_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}
