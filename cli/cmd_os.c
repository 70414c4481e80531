/*
 * cmd_os.c — `mmulab os import PID [-o FILE]` and `mmulab os info FILE`
 * (docs/os-model.md, "Importing a real process"). The import reads a live
 * process's regions from /proc/PID/maps and, for every page, the entry of
 * /proc/PID/pagemap (frame numbers need root); /proc/kpageflags tells which
 * runs of frames are one huge page. The result is an address-space image
 * (os_image.h) that `mmulab run --image` starts a machine from.
 */
#define _DEFAULT_SOURCE /* pread, ioctl, statfs */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "cmd_run.h"
#include "commands.h"
#include "os_image.h"

/* /proc/PID/pagemap entry (Documentation/admin-guide/mm/pagemap.rst) */
#define PM_PFN_MASK ((1ull << 55) - 1u) /* frame number, or swap type and offset */
#define PM_SOFT_DIRTY (1ull << 55)
#define PM_EXCLUSIVE (1ull << 56)
#define PM_FILE (1ull << 61)
#define PM_SWAPPED (1ull << 62)
#define PM_PRESENT (1ull << 63)
/* /proc/kpageflags bits */
#define KPF_COMPOUND_HEAD (1ull << 15)
#define KPF_COMPOUND_TAIL (1ull << 16)
#define KPF_HUGE (1ull << 17) /* hugetlbfs */
#define KPF_THP (1ull << 22)
#define HUGETLBFS_MAGIC 0x958458f6u

/* PAGEMAP_SCAN (Linux 6.7, uapi linux/fs.h; declared here for older
 * headers): the ranges of a region whose pages are present or swapped, so
 * a sparse reservation of terabytes costs a few calls, not an entry per
 * page. */
typedef struct {
    uint64_t start, end, categories;
} scan_range;
typedef struct {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
} scan_arg;
#define SCAN_IOCTL _IOWR('f', 16, scan_arg)
#define SCAN_PRESENT (1ull << 3)
#define SCAN_SWAPPED (1ull << 4)
#define SCAN_RANGES 1024u

#define PAGE 4096ull
#define WINDOW_PAGES (1u << 18)   /* pagemap entries read at once: 1 GiB, the largest page */
#define KPF_BLOCK 16u             /* kpageflags entries read around a frame (each costs the kernel work) */

typedef struct {
    int pid;
    char comm[64];               /* /proc/PID/comm */
    char maps_path[48], pagemap_path[48];
    int pagemap_fd, kpf_fd;
    int kpf_errno;               /* why /proc/kpageflags is unreadable; 0 when it is */
    bool no_scan;                /* --read-all, or PAGEMAP_SCAN unsupported: every entry is read */
    sim_image img;
    size_t cap_regions, cap_mappings, cap_swapped;
    uint64_t *entries;           /* WINDOW_PAGES pagemap entries */
    uint64_t *kpf_run;           /* kpageflags of a huge-page candidate */
    uint64_t kpf_cache[KPF_BLOCK], kpf_base; /* kpf_base UINT64_MAX: empty */
    uint64_t present, zero_pfn, not_present, read_regions;
    mm_error err;
} importer;

static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return true;
    size_t cap2 = *cap ? *cap * 2 : 256;
    while (cap2 < need)
        cap2 *= 2;
    void *p = realloc(*arr, cap2 * elem);
    if (!p)
        return false;
    *arr = p;
    *cap = cap2;
    return true;
}

static int fail_errno(importer *im, const char *path, int e)
{
    if (e == ENOENT || e == ESRCH)
        return mm_fail(&im->err, MM_ERR_IO, "no process with pid %d (%s: %s)", im->pid, path,
                       strerror(e));
    if (e == EACCES || e == EPERM)
        return mm_fail(&im->err, MM_ERR_IO, "%s: permission denied: importing pid %d needs root "
                       "(or ptrace rights over it)", path, im->pid);
    return mm_fail(&im->err, MM_ERR_IO, "%s: %s", path, strerror(e));
}

/* ---- regions: /proc/PID/maps ---- */

static bool on_hugetlbfs(const char *name)
{
    struct statfs st;
    if (strstr(name, "anon_hugepage"))
        return true; /* MAP_HUGETLB without a file */
    return name[0] == '/' && statfs(name, &st) == 0 && (uint32_t)st.f_type == HUGETLBFS_MAGIC;
}

static int parse_maps_line(importer *im, char *line, size_t lineno)
{
    unsigned long long start, end, offset, inode;
    char perms[8];
    unsigned dev_major, dev_minor;
    int name_at = -1;
    if (sscanf(line, "%llx-%llx %7s %llx %x:%x %llu %n", &start, &end, perms, &offset, &dev_major,
               &dev_minor, &inode, &name_at) != 7 || name_at < 0 || strlen(perms) != 4 ||
        start >= end || ((start | end) & (PAGE - 1)))
        return mm_fail(&im->err, MM_ERR_FORMAT, "%s: line %zu: not a maps line", im->maps_path,
                       lineno);
    char *name = line + name_at;
    name[strcspn(name, "\n")] = '\0';
    if (!grow((void **)&im->img.regions, &im->cap_regions, im->img.n_regions + 1,
              sizeof *im->img.regions) ||
        !(name = strdup(name)))
        return mm_fail(&im->err, MM_ERR_NOMEM, "out of host memory");
    sim_image_region *r = &im->img.regions[im->img.n_regions++];
    memset(r, 0, sizeof *r);
    r->start = start;
    r->end = end;
    r->offset = offset;
    r->inode = inode;
    r->name = name;
    r->prot = (perms[0] == 'r' ? MM_PERM_R : 0u) | (perms[1] == 'w' ? MM_PERM_W : 0u) |
              (perms[2] == 'x' ? MM_PERM_X : 0u);
    r->flags = (perms[3] == 's' ? SIM_IMAGE_REGION_SHARED : 0u) |
               (on_hugetlbfs(name) ? SIM_IMAGE_REGION_HUGETLB : 0u) |
               /* the upper half (vsyscall) has no pagemap entries */
               ((start >> 63) ? SIM_IMAGE_REGION_NOT_READ : 0u);
    return MM_OK;
}

static int read_maps(importer *im)
{
    FILE *f = fopen(im->maps_path, "r");
    if (!f)
        return fail_errno(im, im->maps_path, errno);
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    int rc = MM_OK;
    errno = 0;
    while (rc == MM_OK && getline(&line, &cap, f) >= 0)
        rc = parse_maps_line(im, line, ++lineno);
    if (rc == MM_OK && ferror(f))
        rc = fail_errno(im, im->maps_path, errno ? errno : EIO);
    free(line);
    fclose(f);
    return rc;
}

/* ---- pages: /proc/PID/pagemap and /proc/kpageflags ---- */

/* Reads n entries from `at` (an entry index) of fd into out; entries the
 * file does not have (the process unmapped them meanwhile) read as 0. */
static int read_entries(importer *im, int fd, const char *path, uint64_t at, size_t n,
                        uint64_t *out)
{
    size_t done = 0;
    while (done < n) {
        ssize_t got = pread(fd, (char *)out + done * 8, (n - done) * 8, (off_t)((at + done) * 8));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return fail_errno(im, path, errno);
        if (got == 0)
            break;
        done += (size_t)got / 8;
    }
    memset(out + done, 0, (n - done) * 8);
    return MM_OK;
}

static uint64_t page_flags(importer *im, uint64_t pfn)
{
    if (im->kpf_fd < 0)
        return 0;
    uint64_t base = pfn & ~(uint64_t)(KPF_BLOCK - 1);
    if (base != im->kpf_base) {
        if (read_entries(im, im->kpf_fd, "/proc/kpageflags", base, KPF_BLOCK, im->kpf_cache))
            return 0;
        im->kpf_base = base;
    }
    return im->kpf_cache[pfn - base];
}

/* True when frames [pfn, pfn + n) are one compound page (a THP or a
 * hugetlbfs page): a head, then n - 1 tails. */
static bool one_huge_page(importer *im, uint64_t pfn, size_t n)
{
    if (read_entries(im, im->kpf_fd, "/proc/kpageflags", pfn, n, im->kpf_run))
        return false;
    uint64_t head = im->kpf_run[0];
    if (!(head & KPF_COMPOUND_HEAD) || !(head & (KPF_THP | KPF_HUGE)))
        return false;
    for (size_t k = 1; k < n; k++)
        if (!(im->kpf_run[k] & KPF_COMPOUND_TAIL))
            return false;
    return true;
}

/* The largest page (level 2, 1 or 0) that maps va: the entries from va
 * on are an aligned run of present, contiguous frames, aligned in VA and
 * PA, that kpageflags shows to be one huge page (hugetlbfs regions without
 * kpageflags: alignment and contiguity decide). */
static unsigned page_level(importer *im, const sim_image_region *r, uint64_t va,
                           const uint64_t *e, size_t left)
{
    uint64_t pfn = e[0] & PM_PFN_MASK;
    bool trust_layout = im->kpf_fd < 0 && (r->flags & SIM_IMAGE_REGION_HUGETLB);
    if (im->kpf_fd < 0 && !trust_layout)
        return 0;
    for (unsigned level = 2; level >= 1; level--) {
        size_t n = (size_t)1 << (9 * level);
        if ((va & (n * PAGE - 1)) || (pfn & (n - 1)) || left < n)
            continue;
        size_t k = 1;
        while (k < n && (e[k] & PM_PRESENT) && (e[k] & PM_PFN_MASK) == pfn + k)
            k++;
        if (k == n && (trust_layout || one_huge_page(im, pfn, n)))
            return level;
    }
    return 0;
}

static int add_mapping(importer *im, sim_image_region *r, uint64_t va, uint64_t entry,
                       unsigned level)
{
    uint64_t pfn = entry & PM_PFN_MASK, kpf = page_flags(im, pfn);
    if (!grow((void **)&im->img.mappings, &im->cap_mappings, im->img.n_mappings + 1,
              sizeof *im->img.mappings))
        return mm_fail(&im->err, MM_ERR_NOMEM, "out of host memory");
    sim_image_mapping *m = &im->img.mappings[im->img.n_mappings++];
    m->va = va;
    m->pa = pfn * PAGE;
    m->level = (uint8_t)level;
    m->perm = (uint8_t)(r->prot | MM_PERM_U);
    m->flags = (uint8_t)(((entry & PM_FILE) ? SIM_IMAGE_PAGE_FILE : 0u) |
                         ((entry & PM_EXCLUSIVE) ? SIM_IMAGE_PAGE_EXCLUSIVE : 0u) |
                         ((entry & PM_SOFT_DIRTY) ? SIM_IMAGE_PAGE_SOFT_DIRTY : 0u) |
                         ((kpf & KPF_THP) ? SIM_IMAGE_PAGE_THP : 0u) |
                         ((kpf & KPF_HUGE) ? SIM_IMAGE_PAGE_HUGETLB : 0u));
    if (kpf & KPF_HUGE)
        r->flags |= SIM_IMAGE_REGION_HUGETLB;
    uint64_t pages = 1ull << (9 * level);
    r->pages_present += pages;
    im->present += pages;
    return MM_OK;
}

/* Pages [va, va + n pages) of region r, whose entries are e. */
static int classify(importer *im, sim_image_region *r, uint64_t va, const uint64_t *e, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint64_t page_va = va + i * PAGE;
        if ((e[i] & PM_PRESENT) && (e[i] & PM_PFN_MASK) == 0) {
            im->zero_pfn++; /* no frame numbers for us: reported after the scan */
            i++;
        } else if (e[i] & PM_PRESENT) {
            unsigned level = page_level(im, r, page_va, e + i, n - i);
            if (add_mapping(im, r, page_va, e[i], level))
                return im->err.code;
            i += (size_t)1 << (9 * level);
        } else if (e[i] & PM_SWAPPED) {
            if (!grow((void **)&im->img.swapped, &im->cap_swapped, im->img.n_swapped + 1,
                      sizeof *im->img.swapped))
                return mm_fail(&im->err, MM_ERR_NOMEM, "out of host memory");
            im->img.swapped[im->img.n_swapped++] = (sim_image_swapped){page_va, e[i] & PM_PFN_MASK};
            r->pages_swapped++;
            i++;
        } else {
            i++;
        }
    }
    return MM_OK;
}

/* [a, b) of region r in windows that end on 1 GiB boundaries, so a huge
 * page never straddles two windows. */
static int read_range(importer *im, sim_image_region *r, uint64_t a, uint64_t b)
{
    const uint64_t window = (uint64_t)WINDOW_PAGES * PAGE;
    for (uint64_t va = a; va < b;) {
        uint64_t end = (va | (window - 1)) + 1;
        if (end > b || end == 0)
            end = b;
        size_t n = (size_t)((end - va) / PAGE);
        int rc = read_entries(im, im->pagemap_fd, im->pagemap_path, va / PAGE, n, im->entries);
        if (rc == MM_OK)
            rc = classify(im, r, va, im->entries, n);
        if (rc != MM_OK)
            return rc;
        va = end;
    }
    return MM_OK;
}

static int read_region(importer *im, sim_image_region *r)
{
    scan_range ranges[SCAN_RANGES];
    uint64_t start = r->start;
    while (!im->no_scan && start < r->end) {
        scan_arg arg = {sizeof arg, 0, start, r->end, 0, (uint64_t)(uintptr_t)ranges, SCAN_RANGES,
                        0, 0, 0, SCAN_PRESENT | SCAN_SWAPPED, SCAN_PRESENT | SCAN_SWAPPED};
        int got = ioctl(im->pagemap_fd, SCAN_IOCTL, &arg);
        if (got < 0 && (errno == ENOTTY || errno == EINVAL || errno == EOPNOTSUPP)) {
            im->no_scan = true; /* an older kernel: read every entry instead */
            break;
        }
        if (got < 0)
            return fail_errno(im, im->pagemap_path, errno);
        /* a full vector may cut the last range short: it is asked for again,
         * whole, so a huge page is never seen in two pieces */
        uint64_t next = arg.walk_end;
        if (got == (int)SCAN_RANGES && next < r->end && ranges[got - 1].start > start)
            next = ranges[--got].start;
        for (int k = 0; k < got; k++) {
            int rc = read_range(im, r, ranges[k].start, ranges[k].end);
            if (rc != MM_OK)
                return rc;
        }
        if (next <= start)
            break;
        start = next;
    }
    return im->no_scan ? read_range(im, r, start, r->end) : MM_OK;
}

/* ---- the command ---- */

static void describe(importer *im)
{
    char comm_path[48];
    snprintf(comm_path, sizeof comm_path, "/proc/%d/comm", im->pid);
    snprintf(im->comm, sizeof im->comm, "?");
    FILE *f = fopen(comm_path, "r");
    if (f) {
        if (fgets(im->comm, sizeof im->comm, f))
            im->comm[strcspn(im->comm, "\n")] = '\0';
        fclose(f);
    }
    struct utsname u;
    bool named = uname(&u) == 0;
    snprintf(im->img.description, sizeof im->img.description, "pid %d (%s) on %s %s", im->pid,
             im->comm, named ? u.sysname : "?", named ? u.release : "?");
}

static int import_process(importer *im)
{
    snprintf(im->maps_path, sizeof im->maps_path, "/proc/%d/maps", im->pid);
    snprintf(im->pagemap_path, sizeof im->pagemap_path, "/proc/%d/pagemap", im->pid);
    int rc = read_maps(im);
    if (rc != MM_OK)
        return rc;
    im->pagemap_fd = open(im->pagemap_path, O_RDONLY | O_CLOEXEC);
    if (im->pagemap_fd < 0)
        return fail_errno(im, im->pagemap_path, errno);
    im->kpf_fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
    if (im->kpf_fd < 0)
        im->kpf_errno = errno;
    im->entries = malloc((size_t)WINDOW_PAGES * sizeof *im->entries);
    im->kpf_run = malloc((size_t)WINDOW_PAGES * sizeof *im->kpf_run);
    if (!im->entries || !im->kpf_run)
        return mm_fail(&im->err, MM_ERR_NOMEM, "out of host memory");
    describe(im);
    im->img.source_pid = (uint32_t)im->pid;
    im->img.created = (uint64_t)time(NULL);
    for (size_t i = 0; i < im->img.n_regions; i++) {
        sim_image_region *r = &im->img.regions[i];
        if (r->flags & SIM_IMAGE_REGION_NOT_READ)
            continue;
        if ((rc = read_region(im, r)) != MM_OK)
            return rc;
        im->read_regions++;
        im->not_present += (r->end - r->start) / PAGE - r->pages_present - r->pages_swapped;
    }
    if (im->zero_pfn && !im->present)
        return mm_fail(&im->err, MM_ERR_IO, "%s gives frame number 0 for all %llu present pages: "
                       "frame numbers need CAP_SYS_ADMIN (run as root, outside a user namespace "
                       "or container)", im->pagemap_path, (unsigned long long)im->zero_pfn);
    return MM_OK;
}

static void usage_os(FILE *f)
{
    fprintf(f,
            "usage: mmulab os import PID [-o FILE] [--read-all]\n"
            "       mmulab os info FILE\n"
            "\n"
            "import  saves the address space of live process PID (regions from /proc/PID/maps,\n"
            "        the frame and page size of every present page from /proc/PID/pagemap and\n"
            "        /proc/kpageflags; needs root) as an address-space image (docs/image-format.md)\n"
            "        in FILE (default PID.mmas.gz); `mmulab run --image FILE TRACE` starts from it;\n"
            "        --read-all reads every pagemap entry instead of asking the kernel which\n"
            "        ranges are present (PAGEMAP_SCAN, Linux 6.7): slow on sparse address spaces\n"
            "info    prints an image's header and regions\n");
}

static int os_import(int argc, char **argv)
{
    const char *pid_text = NULL, *out = NULL;
    bool read_all = false;
    for (int i = 0; i < argc; i++) {
        if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--out")) && i + 1 < argc)
            out = argv[++i];
        else if (!strcmp(argv[i], "--read-all"))
            read_all = true;
        else if (argv[i][0] != '-' && !pid_text)
            pid_text = argv[i];
        else {
            fprintf(stderr, "mmulab os import: unexpected argument \"%s\"; see mmulab os --help\n",
                    argv[i]);
            return EXIT_USAGE;
        }
    }
    char *end = NULL;
    errno = 0;
    unsigned long long pid = pid_text ? strtoull(pid_text, &end, 10) : 0;
    if (!pid_text || pid_text[0] < '0' || pid_text[0] > '9' || *end || errno || pid == 0 ||
        pid > INT_MAX) {
        fprintf(stderr, "mmulab os import: PID must be a process id, got \"%s\"\n",
                pid_text ? pid_text : "");
        return EXIT_USAGE;
    }
    char default_out[32];
    snprintf(default_out, sizeof default_out, "%llu.mmas.gz", pid);
    if (!out)
        out = default_out;
    importer im;
    memset(&im, 0, sizeof im);
    im.pid = (int)pid;
    im.pagemap_fd = im.kpf_fd = -1;
    im.kpf_base = UINT64_MAX;
    im.no_scan = read_all;
    int rc = import_process(&im);
    if (rc == MM_OK)
        rc = os_image_write(out, &im.img, &im.err);
    if (rc == MM_OK) {
        uint64_t by_level[3] = {0, 0, 0};
        for (size_t i = 0; i < im.img.n_mappings; i++)
            by_level[im.img.mappings[i].level]++;
        printf("mmulab os import: pid %d (%s): %zu regions, %llu pages present (%llu 4K + %llu 2M "
               "+ %llu 1G mappings), %zu swapped, %llu not present -> %s",
               im.pid, im.comm, im.img.n_regions, (unsigned long long)im.present,
               (unsigned long long)by_level[0], (unsigned long long)by_level[1],
               (unsigned long long)by_level[2], im.img.n_swapped,
               (unsigned long long)im.not_present, out);
        if (im.kpf_errno)
            printf(" (4 KiB pages only: /proc/kpageflags: %s)", strerror(im.kpf_errno));
        printf("\n");
    } else {
        fprintf(stderr, "mmulab os import: %s\n", im.err.msg);
    }
    if (im.pagemap_fd >= 0)
        close(im.pagemap_fd);
    if (im.kpf_fd >= 0)
        close(im.kpf_fd);
    free(im.entries);
    free(im.kpf_run);
    os_image_free(&im.img);
    return rc == MM_OK ? 0 : EXIT_RUN_FAILED;
}

static int os_info(int argc, char **argv)
{
    if (argc != 1) {
        usage_os(stderr);
        return EXIT_USAGE;
    }
    sim_image img;
    mm_error err = {0};
    if (os_image_read(argv[0], &img, &err)) {
        fprintf(stderr, "mmulab os info: %s\n", err.msg);
        return EXIT_RUN_FAILED;
    }
    uint64_t by_level[3] = {0, 0, 0}, present = 0;
    for (size_t i = 0; i < img.n_mappings; i++)
        by_level[img.mappings[i].level]++;
    for (size_t i = 0; i < img.n_regions; i++)
        present += img.regions[i].pages_present;
    time_t created = (time_t)img.created;
    char when[32] = "?";
    struct tm tm;
    if (gmtime_r(&created, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    printf("%s: address-space image version %u of pid %u, %s\n%s\n", argv[0], SIM_IMAGE_VERSION,
           img.source_pid, when, img.description);
    printf("%zu regions, %llu pages present (%llu 4K + %llu 2M + %llu 1G mappings), %zu swapped\n",
           img.n_regions, (unsigned long long)present, (unsigned long long)by_level[0],
           (unsigned long long)by_level[1], (unsigned long long)by_level[2], img.n_swapped);
    for (size_t i = 0; i < img.n_regions; i++) {
        const sim_image_region *r = &img.regions[i];
        printf("%012llx-%012llx %c%c%c%c %8llu present %6llu swapped%s%s %s\n",
               (unsigned long long)r->start, (unsigned long long)r->end,
               (r->prot & MM_PERM_R) ? 'r' : '-', (r->prot & MM_PERM_W) ? 'w' : '-',
               (r->prot & MM_PERM_X) ? 'x' : '-',
               (r->flags & SIM_IMAGE_REGION_SHARED) ? 's' : 'p',
               (unsigned long long)r->pages_present, (unsigned long long)r->pages_swapped,
               (r->flags & SIM_IMAGE_REGION_HUGETLB) ? " hugetlb" : "",
               (r->flags & SIM_IMAGE_REGION_NOT_READ) ? " not-read" : "", r->name);
    }
    os_image_free(&img);
    return 0;
}

int cmd_os(int argc, char **argv)
{
    if (argc < 1 || !strcmp(argv[0], "--help") || !strcmp(argv[0], "-h")) {
        usage_os(argc < 1 ? stderr : stdout);
        return argc < 1 ? EXIT_USAGE : 0;
    }
    if (!strcmp(argv[0], "import"))
        return os_import(argc - 1, argv + 1);
    if (!strcmp(argv[0], "info"))
        return os_info(argc - 1, argv + 1);
    fprintf(stderr, "mmulab os: unknown subcommand \"%s\"\n", argv[0]);
    usage_os(stderr);
    return EXIT_USAGE;
}
