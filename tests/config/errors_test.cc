// errors_test.cc — every class of config error is MM_ERR_CONFIG with one
// line naming the key path and the source that wrote it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config_test_util.h"

namespace {

struct ErrorCase {
    const char *label;
    std::vector<std::string> sets;
    std::string expected; // the whole message, source included
};

std::ostream &operator<<(std::ostream &os, const ErrorCase &c)
{
    return os << c.label;
}

class ConfigSetErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigSetErrors, OneLineNamingKeyAndSource)
{
    const ErrorCase &c = GetParam();
    Loaded l = load_sets(c.sets);
    EXPECT_EQ(l.rc, MM_ERR_CONFIG) << l.msg();
    EXPECT_EQ(l.msg(), c.expected);
    EXPECT_EQ(l.msg().find('\n'), std::string::npos);
    // a failed load leaves nothing half-filled
    EXPECT_EQ(l.cfg.n_tlbs, 0u);
    EXPECT_EQ(l.cfg.name[0], '\0');
}

const std::string TLBS4 = "tlbs=[\"l1itlb\",\"l1dtlb\",\"l2tlb\",\"l3tlb\"]";

INSTANTIATE_TEST_SUITE_P(
    All, ConfigSetErrors,
    ::testing::Values(
        ErrorCase{"UnknownKey",
                  {"l2tlb.entriez=1"},
                  "--set l2tlb.entriez=1: unknown key \"l2tlb.entriez\" (did you mean \"entries\"?)"},
        ErrorCase{"UnknownTopKey", {"bogus_key=1"}, "--set bogus_key=1: unknown key \"bogus_key\""},
        ErrorCase{"UnknownNestedKey",
                  {"walker.counts=3"},
                  "--set walker.counts=3: unknown key \"walker.counts\" (did you mean \"count\"?)"},
        ErrorCase{"UnknownCacheLevelKey",
                  {"memory_latency.levels.1.lat=3"},
                  "--set memory_latency.levels.1.lat=3: unknown key \"memory_latency.levels.1.lat\""},
        ErrorCase{"WaysAboveEntries",
                  {"l1dtlb.entries=4", "l1dtlb.ways=8"},
                  "--set l1dtlb.ways=8: l1dtlb.ways: 8 > entries 4"},
        ErrorCase{"NotWholeSets",
                  {"l2tlb.entries=2000"},
                  "--set l2tlb.entries=2000: l2tlb.entries: 2000 entries / 12 ways is not a whole "
                  "number of sets"},
        ErrorCase{"SetsNotPowerOfTwo",
                  {"l2tlb.entries=2016", "l2tlb.ways=16"},
                  "--set l2tlb.ways=16: l2tlb.entries: 2016 entries / 16 ways = 126 sets, not a "
                  "power of two"},
        ErrorCase{"PlruNeedsPowerOfTwoWays",
                  {"l2tlb.replacement=plru"},
                  "--set l2tlb.replacement=plru: l2tlb.ways: plru needs a power-of-two number of "
                  "ways, got 12"},
        ErrorCase{"ZeroEntries",
                  {"l1dtlb.entries=0"},
                  "--set l1dtlb.entries=0: l1dtlb.entries: 0 is out of range 1..1048576"},
        ErrorCase{"PageSizeOfOtherFormat",
                  {"l1dtlb.page_sizes=[\"512G\"]"},
                  "--set l1dtlb.page_sizes=[\"512G\"]: l1dtlb.page_sizes: \"512G\" is not a page "
                  "size of x86-64-4level"},
        ErrorCase{"NotAPageSize",
                  {"l1dtlb.page_sizes=[\"4M\"]"},
                  "--set l1dtlb.page_sizes=[\"4M\"]: l1dtlb.page_sizes: \"4M\" is not a page size "
                  "(4K, 2M, 1G, 512G, 256T)"},
        ErrorCase{"PageSizeInTwoArrays",
                  {"l1dtlb.arrays.2M.page_sizes=[\"2M\",\"1G\"]"},
                  "--set l1dtlb.arrays.2M.page_sizes=[\"2M\",\"1G\"]: l1dtlb.arrays.1G.page_sizes: "
                  "\"1G\" is also in l1dtlb.arrays.2M.page_sizes; each page size lives in one "
                  "array"},
        ErrorCase{"PageSizeInMainAndExtraArray",
                  {"l2tlb.page_sizes=[\"4K\",\"2M\",\"1G\"]"},
                  "--set l2tlb.page_sizes=[\"4K\",\"2M\",\"1G\"]: l2tlb.arrays.1G.page_sizes: "
                  "\"1G\" is also in l2tlb.page_sizes; each page size lives in one array"},
        ErrorCase{"PageSizeListedTwice",
                  {"l2tlb.page_sizes=[\"4K\",\"4K\"]"},
                  "--set l2tlb.page_sizes=[\"4K\",\"4K\"]: l2tlb.page_sizes: \"4K\" is listed twice"},
        ErrorCase{"EmptyPageSizes",
                  {"l2tlb.page_sizes=[]"},
                  "--set l2tlb.page_sizes=[]: l2tlb.page_sizes: must list at least one page size"},
        ErrorCase{"StringForInteger",
                  {"l2tlb.entries=abc"},
                  "--set l2tlb.entries=abc: l2tlb.entries: expected an integer, got a string"},
        ErrorCase{"FractionForInteger",
                  {"walker.count=1.5"},
                  "--set walker.count=1.5: walker.count: expected an integer, got 1.5"},
        ErrorCase{"NegativeInteger",
                  {"walker.queue=-1"},
                  "--set walker.queue=-1: walker.queue: -1 is out of range 0..64"},
        ErrorCase{"NumberForBoolean",
                  {"x86.nxe=1"},
                  "--set x86.nxe=1: x86.nxe: expected a boolean, got a number"},
        ErrorCase{"ArrayForObject",
                  {"walker=[1]"},
                  "--set walker=[1]: walker: expected an object, got an array"},
        ErrorCase{"StringForArray",
                  {"l1dtlb.serves=load"},
                  "--set l1dtlb.serves=load: l1dtlb.serves: expected an array, got a string"},
        ErrorCase{"BadEnum",
                  {"l1dtlb.inclusion=partial"},
                  "--set l1dtlb.inclusion=partial: l1dtlb.inclusion: \"partial\" is not one of "
                  "non-inclusive, inclusive, exclusive"},
        ErrorCase{"BadFormat",
                  {"format=sv32"},
                  "--set format=sv32: format: \"sv32\" is not one of x86-64-4level, x86-64-5level, "
                  "sv39, sv48, sv57"},
        ErrorCase{"BadSize",
                  {"memory.size=16GB"},
                  "--set memory.size=16GB: memory.size: \"16GB\" is not a size (bytes, or a number "
                  "followed by KiB, MiB, GiB or TiB)"},
        ErrorCase{"SizeNotFrames",
                  {"memory.size=10000"},
                  "--set memory.size=10000: memory.size: 10000 is not a whole number of 4 KiB frames"},
        ErrorCase{"SizeAbovePaBits",
                  {"memory.pa_bits=32", "memory.size=8GiB"},
                  "--set memory.size=8GiB: memory.size: 8GiB does not fit in memory.pa_bits 32 (4GiB)"},
        ErrorCase{"SizeAboveMaxphyaddr",
                  {"memory.size=128TiB"},
                  "--set memory.size=128TiB: memory.size: 128TiB is above the 46-bit MAXPHYADDR "
                  "(pa_bits) of x86-64-4level (64TiB)"},
        ErrorCase{"BaseAboveSize",
                  {"memory.base=16GiB"},
                  "--set memory.base=16GiB: memory.base: must be below memory.size (16GiB)"},
        ErrorCase{"BaseNotAligned",
                  {"memory.base=100"},
                  "--set memory.base=100: memory.base: 100 is not a multiple of 4 KiB"},
        ErrorCase{"SvadeOnX86",
                  {"ad=fault"},
                  "--set ad=fault: ad: \"fault\" (Svade) is RISC-V only; x86-64-4level sets A/D "
                  "bits in hardware"},
        ErrorCase{"PaBitsRange",
                  {"pa_bits=60"},
                  "--set pa_bits=60: pa_bits: 60 is out of range 32..52"},
        ErrorCase{"TwoTlbsSameLevel",
                  {"l1dtlb.serves=[\"ifetch\",\"load\",\"store\"]"},
                  "--set l1dtlb.serves=[\"ifetch\",\"load\",\"store\"]: l1dtlb: l1itlb and l1dtlb "
                  "both serve ifetch at level 1"},
        ErrorCase{"LevelGap",
                  {"l2tlb.level=3"},
                  "--set l2tlb.level=3: l2tlb.level: l2tlb serves ifetch at level 3 but no TLB "
                  "serves it at level 2"},
        ErrorCase{"NoLevelOne",
                  {"l1itlb.level=2", "l2tlb.serves=[\"load\",\"store\"]"},
                  "--set l2tlb.serves=[\"load\",\"store\"]: l1itlb.level: l1itlb serves ifetch at "
                  "level 2 but no TLB serves it at level 1"},
        ErrorCase{"AccessTypeNotServed",
                  {"tlbs=[\"l1dtlb\"]", "l1itlb=null", "l2tlb=null"},
                  "--set tlbs=[\"l1dtlb\"]: tlbs: no TLB serves ifetch"},
        ErrorCase{"BadServesName",
                  {"l1dtlb.serves=[\"fetch\"]"},
                  "--set l1dtlb.serves=[\"fetch\"]: l1dtlb.serves: \"fetch\" is not an access type "
                  "(ifetch, load, store)"},
        ErrorCase{"ServesListedTwice",
                  {"l1dtlb.serves=[\"load\",\"load\"]"},
                  "--set l1dtlb.serves=[\"load\",\"load\"]: l1dtlb.serves: \"load\" is listed twice"},
        ErrorCase{"InclusionAtLevelOne",
                  {"l1dtlb.inclusion=inclusive"},
                  "--set l1dtlb.inclusion=inclusive: l1dtlb.inclusion: \"inclusive\" describes the "
                  "levels above a TLB, and level 1 has none"},
        ErrorCase{"TlbDroppedFromListButObjectKept",
                  {"tlbs=[\"l1itlb\",\"l1dtlb\"]"},
                  "--set tlbs=[\"l1itlb\",\"l1dtlb\"]: unknown key \"l2tlb\": not a schema key and "
                  "not named in \"tlbs\" (drop the object with l2tlb=null)"},
        ErrorCase{"TlbNamedWithoutObject",
                  {TLBS4},
                  "--set " + TLBS4 + ": l3tlb: named in \"tlbs\" but there is no \"l3tlb\" object"},
        ErrorCase{"NewTlbWithoutLevel",
                  {TLBS4, "l3tlb.entries=1024"},
                  "--set l3tlb.entries=1024: l3tlb.level: required key missing (an integer)"},
        ErrorCase{"TlbNameIsSchemaKey",
                  {"tlbs=[\"l1itlb\",\"l1dtlb\",\"pwc\"]"},
                  "--set tlbs=[\"l1itlb\",\"l1dtlb\",\"pwc\"]: tlbs.2: \"pwc\" is a schema key, not "
                  "a TLB name"},
        ErrorCase{"TlbNameBadCharacters",
                  {"tlbs=[\"l1 tlb\"]"},
                  "--set tlbs=[\"l1 tlb\"]: tlbs.0: \"l1 tlb\" is not a TLB name (a letter, then "
                  "letters, digits, _ or -; at most 31 characters)"},
        ErrorCase{"TlbListedTwice",
                  {"tlbs=[\"l1itlb\",\"l1itlb\"]"},
                  "--set tlbs=[\"l1itlb\",\"l1itlb\"]: tlbs.1: \"l1itlb\" is listed twice"},
        ErrorCase{"TooManyTlbs",
                  {"tlbs=[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]"},
                  "--set tlbs=[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\"]: tlbs: 9 TLBs; "
                  "at most 8"},
        ErrorCase{"NoTlbs", {"tlbs=[]"}, "--set tlbs=[]: tlbs: must name at least one TLB"},
        ErrorCase{"TlbNotString", {"tlbs=[1]"}, "--set tlbs=[1]: tlbs.0: expected a string, got a number"},
        ErrorCase{"ArrayWithoutPageSizes",
                  {"l2tlb.arrays.more={\"entries\":4}"},
                  "--set l2tlb.arrays.more={\"entries\":4}: l2tlb.arrays.more.page_sizes: required "
                  "key missing (an array)"},
        ErrorCase{"SplitLevelBeyondFormat",
                  {"pwc.levels.4={\"entries\":2}"},
                  "--set pwc.levels.4={\"entries\":2}: pwc.levels.4: not a level a split walk cache "
                  "holds; x86-64-4level has levels 1..3 (1 = the entry mapping 2 MiB)"},
        ErrorCase{"SplitLevelZero",
                  {"pwc.levels.0={\"entries\":2}"},
                  "--set pwc.levels.0={\"entries\":2}: pwc.levels.0: not a level a split walk cache "
                  "holds; x86-64-4level has levels 1..3 (1 = the entry mapping 2 MiB)"},
        ErrorCase{"SplitWithoutLevels",
                  {"pwc.levels=null"},
                  "--set pwc.levels=null: pwc.levels: the split design needs at least one level "
                  "with entries (or design \"none\")"},
        ErrorCase{"PwcGeometry",
                  {"pwc.levels.1.ways=3"},
                  "--set pwc.levels.1.ways=3: pwc.levels.1.entries: 32 entries / 3 ways is not a "
                  "whole number of sets"},
        ErrorCase{"UnifiedNeedsEntries",
                  {"pwc.design=unified"},
                  "--set pwc.design=unified: pwc.entries: required key missing (an integer)"},
        ErrorCase{"PwcLfsrSeedZero",
                  {"pwc.lfsr_seed=0"},
                  "--set pwc.lfsr_seed=0: pwc.lfsr_seed: 0 is out of range 1..65535"},
        ErrorCase{"WalkerCount",
                  {"walker.count=0"},
                  "--set walker.count=0: walker.count: 0 is out of range 1..16"},
        ErrorCase{"LatencyZero",
                  {"l1dtlb.latency=0"},
                  "--set l1dtlb.latency=0: l1dtlb.latency: 0 is out of range 1..1000000"},
        ErrorCase{"MemlatLineBytes",
                  {"memory_latency.line_bytes=48"},
                  "--set memory_latency.line_bytes=48: memory_latency.line_bytes: 48 is not a power "
                  "of two in 8..4096"},
        ErrorCase{"MemlatLevelSize",
                  {"memory_latency.levels.1.size=1000"},
                  "--set memory_latency.levels.1.size=1000: memory_latency.levels.1.size: 1000 is "
                  "not a whole number of sets of 4 ways x 64-byte lines"},
        ErrorCase{"MemlatLevelSetsNotPowerOfTwo",
                  {"memory_latency.levels.0.size=24KiB"},
                  "--set memory_latency.levels.0.size=24KiB: memory_latency.levels.0.size: 24KiB / "
                  "(8 ways x 64-byte lines) = 48 sets, not a power of two"},
        ErrorCase{"MemlatLineBytesBreaksLevel",
                  {"memory_latency.levels.0.size=16KiB", "memory_latency.line_bytes=4096"},
                  "--set memory_latency.line_bytes=4096: memory_latency.levels.0.size: 16KiB is not "
                  "a whole number of sets of 8 ways x 4096-byte lines"},
        ErrorCase{"MemlatLevelWays",
                  {"memory_latency.levels.2.ways=0"},
                  "--set memory_latency.levels.2.ways=0: memory_latency.levels.2.ways: 0 is out of "
                  "range 1..64"},
        ErrorCase{"MemlatLevelLatency",
                  {"memory_latency.levels.2.latency=0"},
                  "--set memory_latency.levels.2.latency=0: memory_latency.levels.2.latency: 0 is "
                  "out of range 1..1000000 cycles"},
        ErrorCase{"MemlatLevelMissingSize",
                  {"memory_latency.levels.3={\"ways\":2,\"latency\":50}"},
                  "--set memory_latency.levels.3={\"ways\":2,\"latency\":50}: "
                  "memory_latency.levels.3.size: required key missing (an integer)"},
        ErrorCase{"MemlatTooManyLevels",
                  {"memory_latency.levels.3={\"size\":\"64MiB\",\"ways\":16,\"latency\":60}",
                   "memory_latency.levels.4={\"size\":\"64MiB\",\"ways\":16,\"latency\":60}"},
                  "--set memory_latency.levels.4={\"size\":\"64MiB\",\"ways\":16,\"latency\":60}: "
                  "memory_latency.levels: 5 levels; at most 4"},
        ErrorCase{"MemlatNoLevels",
                  {"memory_latency.levels=[]"},
                  "--set memory_latency.levels=[]: memory_latency.levels: 0 levels; the cache model "
                  "needs 1..4"},
        ErrorCase{"MemlatLevelNotObject",
                  {"memory_latency.levels.0=5"},
                  "--set memory_latency.levels.0=5: memory_latency.levels.0: expected an object, got "
                  "a number"},
        ErrorCase{"MemlatLevelNameTooLong",
                  {"memory_latency.levels.0.name=abcdefghijklmnopq"},
                  "--set memory_latency.levels.0.name=abcdefghijklmnopq: memory_latency.levels.0.name: "
                  "\"abcdefghijklmnopq\" is longer than 15 characters"},
        ErrorCase{"MemlatRandomMaxBelowMin",
                  {"memory_latency.model=random", "memory_latency.min=10", "memory_latency.max=5"},
                  "--set memory_latency.max=5: memory_latency.max: 5 is out of range 10 (min)..1000000"},
        ErrorCase{"MemlatFixedZero",
                  {"memory_latency.model=fixed", "memory_latency.latency=0"},
                  "--set memory_latency.latency=0: memory_latency.latency: 0 is out of range "
                  "1..1000000 cycles"},
        ErrorCase{"MemlatBadModel",
                  {"memory_latency.model=dram"},
                  "--set memory_latency.model=dram: memory_latency.model: \"dram\" is not one of "
                  "fixed, cache, random"},
        ErrorCase{"NameEmpty", {"name="}, "--set name=: name: must not be empty"},
        ErrorCase{"NameControlCharacter",
                  {"name=\"a\\tb\""},
                  "--set name=\"a\\tb\": name: contains a control character"},
        ErrorCase{"FormatDropsSplitLevel",
                  {"format=sv39"},
                  "--set format=sv39: pwc.levels.3: not a level a split walk cache holds; sv39 has "
                  "levels 1..2 (1 = the entry mapping 2 MiB)"},
        ErrorCase{"ZeroWays",
                  {"l1dtlb.ways=0"},
                  "--set l1dtlb.ways=0: l1dtlb.ways: 0 is out of range 1..64"},
        ErrorCase{"WaysNotInteger",
                  {"l1dtlb.ways=\"4\""},
                  "--set l1dtlb.ways=\"4\": l1dtlb.ways: expected an integer, got a string"},
        ErrorCase{"TooManyWays",
                  {"l2tlb.entries=2048", "l2tlb.ways=2048"},
                  "--set l2tlb.ways=2048: l2tlb.ways: 2048 ways; a structure has at most 1024 ways"},
        ErrorCase{"LevelGapOfTwo",
                  {"l2tlb.level=4"},
                  "--set l2tlb.level=4: l2tlb.level: l2tlb serves ifetch at level 4 but no TLB "
                  "serves it at level 2"},
        ErrorCase{"TlbNotAnObject",
                  {"l2tlb=5"},
                  "--set l2tlb=5: l2tlb: expected an object, got a number"},
        ErrorCase{"ArraysNotAnObject",
                  {"l2tlb.arrays=[]"},
                  "--set l2tlb.arrays=[]: l2tlb.arrays: expected an object, got an array"},
        ErrorCase{"ArrayNotAnObject",
                  {"l2tlb.arrays.1G=4"},
                  "--set l2tlb.arrays.1G=4: l2tlb.arrays.1G: expected an object, got a number"},
        ErrorCase{"IntegerGotObject",
                  {"walker.count={}"},
                  "--set walker.count={}: walker.count: expected an integer, got an object"},
        ErrorCase{"SizeBelowMinimum",
                  {"memory.size=1KiB"},
                  "--set memory.size=1KiB: memory.size: 1KiB is out of range 4KiB..4096TiB"},
        ErrorCase{"SizeWrongType",
                  {"memory.size=true"},
                  "--set memory.size=true: memory.size: expected a size (an integer or a string "
                  "like \"16GiB\"), got a boolean"},
        ErrorCase{"SizeOverflows",
                  {"memory.size=99999999999TiB"},
                  "--set memory.size=99999999999TiB: memory.size: \"99999999999TiB\" is not a size "
                  "(bytes, or a number followed by KiB, MiB, GiB or TiB)"},
        ErrorCase{"SizeTooManyDigits",
                  {"memory.size=\"123456789012345678901\""},
                  "--set memory.size=\"123456789012345678901\": memory.size: \"123456789012345678901\" "
                  "is not a size (bytes, or a number followed by KiB, MiB, GiB or TiB)"},
        ErrorCase{"SizeNoDigits",
                  {"memory.size=GiB"},
                  "--set memory.size=GiB: memory.size: \"GiB\" is not a size (bytes, or a number "
                  "followed by KiB, MiB, GiB or TiB)"},
        ErrorCase{"FormatNotString",
                  {"format=4"},
                  "--set format=4: format: expected a string, got a number"},
        ErrorCase{"X86NotObject", {"x86=true"}, "--set x86=true: x86: expected an object, got a boolean"},
        ErrorCase{"RiscvUnknownKey",
                  {"riscv.svinval=true"},
                  "--set riscv.svinval=true: unknown key \"riscv.svinval\""},
        ErrorCase{"MemoryNotObject", {"memory=1"}, "--set memory=1: memory: expected an object, got a number"},
        ErrorCase{"PwcNotObject", {"pwc=\"split\""}, "--set pwc=\"split\": pwc: expected an object, got a string"},
        ErrorCase{"PwcLevelsNotObject",
                  {"pwc.levels=5"},
                  "--set pwc.levels=5: pwc.levels: expected an object, got a number"},
        ErrorCase{"PwcLevelNotObject",
                  {"pwc.levels.1=5"},
                  "--set pwc.levels.1=5: pwc.levels.1: expected an object, got a number"},
        ErrorCase{"PwcLevelUnknownKey",
                  {"pwc.levels.1.hit_latency=5"},
                  "--set pwc.levels.1.hit_latency=5: unknown key \"pwc.levels.1.hit_latency\""},
        ErrorCase{"PwcDesignBad",
                  {"pwc.design=stc"},
                  "--set pwc.design=stc: pwc.design: \"stc\" is not one of none, split, unified, pte"},
        ErrorCase{"MemlatNotObject",
                  {"memory_latency=100"},
                  "--set memory_latency=100: memory_latency: expected an object, got a number"},
        ErrorCase{"MemlatLevelsNotArray",
                  {"memory_latency.levels={}"},
                  "--set memory_latency.levels={}: memory_latency.levels: expected an array, got an object"},
        ErrorCase{"MemlatLineBytesType",
                  {"memory_latency.line_bytes=\"64\""},
                  "--set memory_latency.line_bytes=\"64\": memory_latency.line_bytes: expected an "
                  "integer, got a string"},
        ErrorCase{"MemlatRandomMinType",
                  {"memory_latency.model=random", "memory_latency.min=x"},
                  "--set memory_latency.min=x: memory_latency.min: expected an integer, got a string"},
        ErrorCase{"MemlatRandomMaxType",
                  {"memory_latency.model=random", "memory_latency.max=x"},
                  "--set memory_latency.max=x: memory_latency.max: expected an integer, got a string"},
        ErrorCase{"MemoryAllocBad",
                  {"memory.alloc=buddy"},
                  "--set memory.alloc=buddy: memory.alloc: \"buddy\" is not one of sequential, random"},
        ErrorCase{"SeedFraction", {"seed=2.5"}, "--set seed=2.5: seed: expected an integer, got 2.5"},
        ErrorCase{"SeedTooLarge",
                  {"seed=1e300"},
                  "--set seed=1e300: seed: 1e+300 is out of range 0..9007199254740991"}));

// Errors found while applying a --set (before validation).
struct ApplyCase {
    const char *label;
    std::string set;
    std::string expected;
};

std::ostream &operator<<(std::ostream &os, const ApplyCase &c)
{
    return os << c.label;
}

class ConfigApplyErrors : public ::testing::TestWithParam<ApplyCase> {};

TEST_P(ConfigApplyErrors, NameTheSet)
{
    const ApplyCase &c = GetParam();
    Loaded l = load_sets({"walker.count=3", c.set});
    EXPECT_EQ(l.rc, MM_ERR_CONFIG) << l.msg();
    EXPECT_EQ(l.msg(), c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    All, ConfigApplyErrors,
    ::testing::Values(
        ApplyCase{"NoEquals", "l2tlb.entries", "--set l2tlb.entries: expected key.path=value"},
        ApplyCase{"EmptyPath", "=3", "--set =3: \"\" is not a key path (keys joined by dots)"},
        ApplyCase{"EmptyComponent", "l2tlb..entries=3",
                  "--set l2tlb..entries=3: \"l2tlb..entries\" is not a key path (keys joined by dots)"},
        ApplyCase{"TrailingDot", "l2tlb.=3", "--set l2tlb.=3: \"l2tlb.\" is not a key path (keys joined by dots)"},
        ApplyCase{"Extends", "extends=zen2",
                  "--set extends=zen2: \"extends\" is only read from a config file; choose the "
                  "preset instead"},
        ApplyCase{"ThroughScalar", "l2tlb.entries.x=1",
                  "--set l2tlb.entries.x=1: \"l2tlb.entries\" is a number, it has no key \"x\""},
        ApplyCase{"IndexOutOfRange", "memory_latency.levels.5.latency=5",
                  "--set memory_latency.levels.5.latency=5: \"memory_latency.levels.5\": index 5 is "
                  "out of range (3 elements)"},
        ApplyCase{"LastIndexOutOfRange", "memory_latency.levels.4=null",
                  "--set memory_latency.levels.4=null: \"memory_latency.levels.4\": index 4 is out of "
                  "range (3 elements)"},
        ApplyCase{"IndexPastEnd", "memory_latency.levels.4={\"size\":64}",
                  "--set memory_latency.levels.4={\"size\":64}: \"memory_latency.levels.4\": index 4 "
                  "is out of range (3 elements)"},
        ApplyCase{"HugeIndex", "memory_latency.levels.9999999999.size=1",
                  "--set memory_latency.levels.9999999999.size=1: \"memory_latency.levels.9999999999\": "
                  "\"9999999999\" is not an array index"},
        ApplyCase{"NotAnIndex", "memory_latency.levels.first.latency=5",
                  "--set memory_latency.levels.first.latency=5: \"memory_latency.levels.first\": "
                  "\"first\" is not an array index"},
        ApplyCase{"NotAnIndexLast", "memory_latency.levels.01=5",
                  "--set memory_latency.levels.01=5: \"memory_latency.levels.01\": \"01\" is not an "
                  "array index"},
        ApplyCase{"PathTooLong", std::string(200, 'a') + "=1",
                  "--set " + std::string(200, 'a') + "=1: key path longer than 127 characters"}));

TEST(ConfigErrors, TooManyArrays)
{
    Loaded l = load("rocket-sv39", nullptr,
                    {"format=sv57", "l1dtlb.arrays.2M_1G=null",
                     "l1dtlb.arrays.a={\"entries\":4,\"page_sizes\":[\"2M\"]}",
                     "l1dtlb.arrays.b={\"entries\":4,\"page_sizes\":[\"1G\"]}",
                     "l1dtlb.arrays.c={\"entries\":4,\"page_sizes\":[\"512G\"]}",
                     "l1dtlb.arrays.d={\"entries\":4,\"page_sizes\":[\"256T\"]}"});
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_EQ(l.msg(), "--set l1dtlb.arrays.d={\"entries\":4,\"page_sizes\":[\"256T\"]}: "
                       "l1dtlb.arrays: a TLB has at most 3 arrays besides its main one");
}

TEST(ConfigErrors, ArrayNameWithDot)
{
    Loaded l = load_sets({"l2tlb.arrays={\"a.b\":{\"entries\":4,\"page_sizes\":[\"1G\"]}}"});
    EXPECT_EQ(l.rc, MM_ERR_CONFIG);
    EXPECT_NE(l.msg().find("l2tlb.arrays.a.b: an array name must be non-empty and without dots"),
              std::string::npos)
        << l.msg();
}

TEST(ConfigErrors, NullErrorRecordIsAccepted)
{
    mmu_config cfg;
    const char *sets[] = {"l2tlb.entriez=1"};
    EXPECT_EQ(cfg_load(nullptr, nullptr, sets, 1, &cfg, nullptr), MM_ERR_CONFIG);
    EXPECT_EQ(cfg_load(nullptr, nullptr, nullptr, 0, &cfg, nullptr), MM_OK);
}

TEST(ConfigErrors, BadArguments)
{
    mm_error err{};
    mmu_config cfg;
    EXPECT_EQ(cfg_load(nullptr, nullptr, nullptr, 0, nullptr, &err), MM_ERR_INVALID);
    EXPECT_EQ(cfg_load(nullptr, nullptr, nullptr, 2, &cfg, &err), MM_ERR_INVALID);
    const char *sets[] = {"walker.count=2", nullptr};
    EXPECT_EQ(cfg_load(nullptr, nullptr, sets, 2, &cfg, &err), MM_ERR_INVALID);
    EXPECT_NE(std::string(err.msg).find("set 1"), std::string::npos) << err.msg;
}

TEST(ConfigErrors, SetOverridingAnErrorClearsIt)
{
    // The blamed source is the last one touching the keys; once fixed, no error.
    Loaded l = load_sets({"l2tlb.entries=2000", "l2tlb.entries=2048", "l2tlb.ways=16"});
    EXPECT_EQ(l.rc, MM_OK) << l.msg();
}

} // namespace
