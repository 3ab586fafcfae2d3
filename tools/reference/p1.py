# Part 1: head, introduction, architecture, boot options, serial log.
import html
def esc(s): return html.escape(s, quote=False)

HEAD = '''<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The Quartz reference</title>
<link rel="stylesheet" href="/style.css">
<link rel="icon" href="/img/logo.svg" type="image/svg+xml">
</head>
<body>
<header class="site">
  <div class="wrap">
    <img class="logo" src="/img/logo.svg" alt="Quartz crystal logo">
    <div>
      <h1>The Quartz reference</h1>
      <p>Boot options, serial log lines, every statistics counter, HTTP and TCP behaviour, deployment, glossary and FAQ.</p>
    </div>
  </div>
</header>
<nav class="top"><div class="wrap">
  <a href="/">Home</a>
  <a href="/docs/">Documentation</a>
  <a href="/docs/quartz_reference/">Reference</a>
  <a href="/docs/deployment/">Deployment</a>
  <a href="/api/stats.json">Live statistics</a>
</div></nav>
<main class="wrap">
<p>This page is the complete reference for Quartz as it is built from this source tree. It is
meant to be read in pieces: look up a boot option, a line you saw on the serial console, a
counter in <code>/api/stats.json</code>, or the exact answer the server gives to an odd
request. Everything here describes what the code does, and where the code makes a choice
that a standard leaves open, the choice and the reason are written down. The page is also,
deliberately, one of the larger files on the default site (well over 200 KiB): the
end-to-end tests download it through slow and lossy links, because a file of this size is
exactly the kind the toy predecessor of Quartz could never deliver.</p>
'''

TOC = [
    ("overview", "Overview: what runs where"),
    ("build", "Building and baking"),
    ("boot", "Boot sequence"),
    ("options", "Boot options (the kernel command line)"),
    ("serial", "Serial console: every log line"),
    ("stats", "Statistics: /api/stats.json"),
    ("counters", "Every counter, group by group"),
    ("http", "HTTP behaviour"),
    ("http-status", "Status codes and when each is sent"),
    ("http-headers", "Response header fields"),
    ("http-limits", "Request limits"),
    ("http-conn", "Connections, keep-alive and pipelining"),
    ("tcp", "TCP behaviour"),
    ("rfc", "Standards: behaviour tables by RFC"),
    ("ip", "IPv4, ARP and ICMP behaviour"),
    ("driver", "The virtio-net driver"),
    ("memory", "Memory and time"),
    ("deploy", "Deployment: systemd, nginx, tap"),
    ("ops", "Operating it: monitoring and troubleshooting"),
    ("examples", "Worked examples"),
    ("walkthrough", "One request, step by step"),
    ("scenarios", "Scenario guide: what moves when"),
    ("tunables", "Tunables"),
    ("design", "Design notes"),
    ("source", "Source tour, file by file"),
    ("tests", "Test reference"),
    ("glossary", "Glossary"),
    ("faq", "Frequently asked questions"),
]

def toc():
    out = ['<h2 id="contents">Contents</h2>\n<div class="toc"><ol>\n']
    for i, t in TOC:
        out.append(f'<li><a href="#{i}">{esc(t)}</a></li>\n')
    out.append('</ol></div>\n')
    return "".join(out)

OVERVIEW = '''
<h2 id="overview">Overview: what runs where</h2>
<p>Quartz is a single ELF file, <code>quartz-unikernel.elf</code>. QEMU loads it with
<code>-kernel</code> on the <code>microvm</code> machine type and jumps to its PVH entry point.
There is no boot loader, no initial RAM disk and no file system: the website is part of the
kernel image, placed by the linker in a read-only section called <code>.content</code>. The
kernel brings up memory, interrupts and a timer, starts a small preemptive scheduler, finds the
virtio network device by probing the memory-mapped windows where microvm puts devices, and then
runs one network task that owns the whole TCP/IP stack and the HTTP server.</p>

<p>The data path for a request, from the wire up and back, is:</p>
<ol>
<li>The NIC writes an Ethernet frame into a receive buffer the driver posted, and raises its
interrupt line. The interrupt handler acknowledges the device and signals the network task's
event; it does no protocol work itself.</li>
<li>The network task wakes (it was sleeping until that event or its next timer deadline),
drains the receive ring, and hands each frame to the Ethernet layer.</li>
<li>Ethernet dispatches ARP frames to the ARP cache and IPv4 packets to the IP layer, which checks
the header and checksum, reassembles fragments if needed, and delivers ICMP and TCP.</li>
<li>TCP finds the connection by its four-tuple, runs the RFC 9293 segment-arrival checks, queues
in-order data in the connection's receive buffer, and raises a <em>read</em> event to the
connection's owner, the HTTP layer.</li>
<li>The HTTP layer reads the bytes, feeds them to the request parser, and when a request is
complete asks the router for a <em>plan</em>: a status, a block of header text, and a slice of
an asset.</li>
<li>The header text is queued on the TCP connection <em>by copy</em>; the body is queued
<em>by reference</em>: TCP keeps a pointer into <code>.content</code> and a length. When TCP builds
a segment it copies at most one MSS of those bytes into a fresh packet buffer; if the segment is
lost, the retransmission copies the same bytes again from the same immutable place.</li>
<li>IP and Ethernet prepend their headers into the buffer's headroom, and the driver places the
buffer on the transmit ring and notifies the device.</li>
</ol>

<p>The layers and the files that implement them:</p>
<table>
<tr><th>Layer</th><th>Source</th><th>Responsibility</th></tr>
<tr><td>Boot</td><td><code>boot/</code></td><td>PVH entry in 32-bit mode, early page tables, switch to long mode, jump to C.</td></tr>
<tr><td>Kernel</td><td><code>kernel/</code></td><td>Console and printf, physical page allocator, paging, kernel heap, IOAPIC/LAPIC interrupts, calibrated timer, tasks and events, command line.</td></tr>
<tr><td>Driver</td><td><code>drivers/virtio/</code></td><td>Split virtqueues (<code>virtq.c</code>) and the virtio-net device (<code>virtio_net.c</code>) over virtio-mmio, legacy and modern.</td></tr>
<tr><td>Link and network</td><td><code>net/ether.c</code>, <code>arp.c</code>, <code>ipv4.c</code>, <code>ip_reass.c</code>, <code>icmp.c</code></td><td>Ethernet framing, ARP cache with pending queues, IPv4 input/output and reassembly, ICMP echo.</td></tr>
<tr><td>Transport</td><td><code>net/tcp.c</code>, <code>tcp_in.c</code>, <code>tcp_out.c</code>, <code>tcp_timer.c</code></td><td>TCB table, state machine, output decisions, retransmission, persist and idle timers.</td></tr>
<tr><td>Application</td><td><code>http/</code></td><td>Request parser, router, connection layer, <code>/api/stats.json</code>.</td></tr>
<tr><td>Content</td><td><code>tools/bake_assets.c</code>, <code>http/content.h</code></td><td>Baking the site into the image and finding an asset by path.</td></tr>
</table>

<p>Two properties hold throughout and explain many of the choices described below.
<strong>Time is passed in.</strong> No protocol code reads a clock: the network task reads the
calibrated timer once per loop and passes the value down, so the same code runs in host unit
tests with a scripted clock. <strong>Nothing is dropped silently.</strong> Every place where input
is rejected or work is abandoned increments a named counter, and every counter is visible on the
serial console (with <code>stats_every=</code>) and in <code>/api/stats.json</code>.</p>

<div class="note">The same <code>net/</code> and <code>http/</code> sources are compiled twice:
freestanding into the kernel, and with AddressSanitizer and UndefinedBehaviorSanitizer into a
host library used by the unit tests and the fuzzers. Neither directory includes a kernel header;
what they need from their host is declared in <code>net/sys.h</code> and <code>http/sys.h</code>.</div>
'''

BUILD = '''
<h2 id="build">Building and baking</h2>
<p>The build needs <code>gcc</code>, GNU <code>ld</code> and <code>make</code>. The kernel is
compiled with <code>-ffreestanding -nostdlib -mno-red-zone -mgeneral-regs-only -mcmodel=kernel</code>
and linked with the script <code>linker.ld</code>, which loads the image at 1 MiB, puts the Xen
PVH note first, and places <code>.content</code> between the read-only data and the writable data,
page-aligned and bracketed by the symbols <code>__content_start</code> and
<code>__content_end</code>. The linker script asserts that <code>.content</code> lies in the
read-only segment.</p>

<h3>Targets</h3>
<table>
<tr><th>Command</th><th>What it does</th></tr>
<tr><td><code>make</code></td><td>Builds <code>build/quartz-unikernel.elf</code> with the default site from <code>assets/</code>.</td></tr>
<tr><td><code>make run</code></td><td>Builds, then boots in QEMU in the foreground; the site is at <code>http://127.0.0.1:8080/</code>. <code>PORT=</code> and <code>MEM=</code> change the forwarded port and guest memory.</td></tr>
<tr><td><code>make ASSETS=dir</code></td><td>Bakes <code>dir</code> instead of <code>assets/</code>. Works with <code>run</code> and <code>test</code>.</td></tr>
<tr><td><code>make BUILD=dir</code></td><td>Puts every output under <code>dir</code>; several builds can coexist.</td></tr>
<tr><td><code>make test</code></td><td>Host unit tests, then every QEMU and end-to-end script; ends with <code>N passed, M failed</code>.</td></tr>
<tr><td><code>make host-tests</code></td><td>Builds the host unit-test binaries only.</td></tr>
<tr><td><code>make fuzz FUZZ_SECONDS=N</code></td><td>Builds every libFuzzer target with clang and runs each for N seconds.</td></tr>
<tr><td><code>make V=1</code></td><td>Shows full command lines.</td></tr>
</table>

<h3>The bake tool</h3>
<p><code>tools/bake_assets DIR OUT.S</code> walks <code>DIR</code> recursively, visiting the
entries of each directory in byte order so that the output is identical on every machine. For
every regular file it records the URL path (the path below <code>DIR</code>, with a leading
slash), reads the file once to compute its length and a 64-bit FNV-1a hash, chooses a MIME type
from the file's extension, and then writes an assembly file. The file's bytes are not copied into
that assembly file: each asset is a single <code>.incbin</code> directive naming the file's
absolute path, its offset 0 and its length, so the assembler reads the bytes straight from the
source tree and a 100 MiB video costs the build no more than reading it twice. The explicit length
makes the assembler fail if the file shrank between hashing and assembling.</p>

<p>The index that follows the data is an array of fixed-size records sorted by path, laid out
exactly as <code>struct content_entry</code> in <code>http/content.h</code>:</p>
<pre><code>struct content_entry {
	uint64_t data_off;   /* first byte, relative to content_blob */
	uint64_t len;        /* bytes; 0 is allowed */
	uint64_t hash;       /* FNV-1a 64 of the bytes: the strong ETag */
	uint32_t path_off;   /* URL path in content_strings */
	uint32_t path_len;
	uint32_t mime_off;   /* NUL-terminated Content-Type */
	int32_t gz;          /* index of the name.gz sibling, -1 if none */
};</code></pre>
<p>Offsets rather than pointers keep the index free of relocations: the same output links into
the kernel and into a position-independent host test program. The symbols the output defines are
<code>content_blob</code>, <code>content_index</code>, <code>content_count</code>,
<code>content_strings</code> and <code>content_total</code>.</p>

<h3>Rules the bake enforces</h3>
<table>
<tr><th>Situation</th><th>Result</th></tr>
<tr><td><code>DIR</code> missing or not a directory</td><td>Build error: <code>bake_assets: asset directory DIR: No such file or directory</code>.</td></tr>
<tr><td><code>DIR</code> holds no regular file (empty, or only empty subdirectories)</td><td>Build error: <code>asset directory DIR is empty: nothing to serve</code>.</td></tr>
<tr><td>A symbolic link whose target is inside <code>DIR</code></td><td>Followed; a linked file is baked under the link's own path.</td></tr>
<tr><td>A symbolic link whose target is outside <code>DIR</code></td><td>Build error: <code>symlink leaves the asset tree</code>. Baking never pulls in files from elsewhere on the build machine by accident.</td></tr>
<tr><td>A dangling link, a link loop, nesting deeper than 32 directories</td><td>Build error naming the path.</td></tr>
<tr><td>A FIFO, socket or device node</td><td>Build error: <code>not a regular file or directory</code>.</td></tr>
<tr><td>File names with spaces, <code>%</code>, <code>&amp;</code>, quotes, UTF-8</td><td>Baked under the raw name; requests must percent-encode such bytes, and the server decodes the request path before looking it up.</td></tr>
<tr><td>A file of zero bytes</td><td>Baked; served with <code>Content-Length: 0</code>.</td></tr>
<tr><td><code>name</code> and <code>name.gz</code> both present</td><td>Both baked; <code>name</code>'s index entry points at <code>name.gz</code> as its precompressed variant.</td></tr>
<tr><td>A failed bake</td><td>The previous output file is left untouched; the new one is written to <code>OUT.S.tmp</code> and renamed only on success.</td></tr>
</table>

<p>The Makefile re-runs the bake when anything under <code>ASSETS</code> changes. It keeps a stamp
file, <code>build/assets.stamp</code>, holding the absolute path of <code>ASSETS</code> and a sorted
listing of every entry below it (path, type, size, modification time), and rewrites the stamp only
when that listing changes. Because the listing, not the file names, is the prerequisite, file names
that <code>make</code> cannot handle as prerequisites (spaces, colons, percent signs) still rebake
correctly.</p>

<h3>MIME types</h3>
<p>The type is chosen by the extension after the last dot of the file name, compared without
regard to case. Unknown or missing extensions get <code>application/octet-stream</code>, which
browsers download rather than render.</p>
'''

MIMES = [
    ("html, htm", "text/html; charset=utf-8"), ("css", "text/css; charset=utf-8"),
    ("js, mjs", "text/javascript; charset=utf-8"), ("json, map", "application/json"),
    ("webmanifest", "application/manifest+json"), ("xml", "application/xml"),
    ("rss", "application/rss+xml"), ("atom", "application/atom+xml"),
    ("txt", "text/plain; charset=utf-8"), ("md", "text/markdown; charset=utf-8"),
    ("csv", "text/csv; charset=utf-8"), ("svg", "image/svg+xml"), ("png", "image/png"),
    ("jpg, jpeg", "image/jpeg"), ("gif", "image/gif"), ("webp", "image/webp"),
    ("avif", "image/avif"), ("ico", "image/vnd.microsoft.icon"), ("bmp", "image/bmp"),
    ("pdf", "application/pdf"), ("wasm", "application/wasm"), ("woff", "font/woff"),
    ("woff2", "font/woff2"), ("ttf", "font/ttf"), ("otf", "font/otf"), ("mp4", "video/mp4"),
    ("webm", "video/webm"), ("ogg", "audio/ogg"), ("mp3", "audio/mpeg"), ("wav", "audio/wav"),
    ("gz", "application/gzip"), ("zip", "application/zip"), ("tar", "application/x-tar"),
    ("anything else", "application/octet-stream"),
]
MIME_NOTES = {
    "html, htm": "Rendered as a page. The charset parameter stops browsers from sniffing the encoding.",
    "css": "Stylesheets; browsers refuse a stylesheet served with another type in standards mode.",
    "js, mjs": "Module scripts require a JavaScript type; text/javascript is the registered one.",
    "json, map": "Also used for source maps.",
    "wasm": "Required for WebAssembly.instantiateStreaming to accept the response.",
    "svg": "Rendered inline by img and as a document when opened directly.",
    "gz": "A .gz file requested by its own name is served as a plain file of this type, never with Content-Encoding.",
    "anything else": "Including files without an extension.",
}
def mime_table():
    out = ['<table>\n<tr><th>Extension</th><th>Content-Type</th><th>Notes</th></tr>\n']
    for e, m in MIMES:
        out.append(f'<tr><td><code>{esc(e)}</code></td><td><code>{esc(m)}</code></td><td>{esc(MIME_NOTES.get(e, ""))}</td></tr>\n')
    out.append('</table>\n')
    return "".join(out)

BOOT = '''
<h2 id="boot">Boot sequence</h2>
<p>QEMU's microvm machine supports direct kernel boot through the Xen PVH protocol. The ELF
carries a <code>PT_NOTE</code> segment with an <code>XEN_ELFNOTE_PHYS32_ENTRY</code> note (type 18,
owner <code>"Xen"</code>); QEMU jumps to that 32-bit entry with paging disabled and the address of
an <code>hvm_start_info</code> structure in <code>EBX</code>. The ELF header's own entry point is
ignored. The note must be aligned to 4 bytes: aligned to 8, QEMU 7.2 refuses the kernel. An ELF64
that also carries a multiboot header is refused as well, because QEMU checks multiboot first and
wants an ELF32 for it.</p>
<p>In order, the kernel then:</p>
<ol>
<li>checks the start-info magic (<code>0x336ec578</code>), copies the command line and the memory
map out of low memory before anything can overwrite them, builds identity page tables, enables
long mode and jumps to C;</li>
<li>initialises the COM1 console and prints <code>quartz: booting (pvh, cmdline "...")</code>;</li>
<li>prints the memory map, one <code>mem:</code> line per region (a trailing zero-size entry that
QEMU sometimes adds is skipped), and hands usable RAM to the physical page allocator;</li>
<li>reads the ACPI tables if present to find the IOAPICs (with <code>acpi=off</code> it uses the
single IOAPIC at <code>0xFEC00000</code>), enables paging with its own tables and guard pages,
and starts the kernel heap;</li>
<li>masks the legacy 8259 PIC, enables the local APIC, and calibrates the LAPIC timer and the TSC
against PIT channel 0 over five windows of about 10 ms, taking the median: a single window was
measured to be off by 6% to 47% under TCG;</li>
<li>starts the scheduler with the idle task and the network task (or a self-test when
<code>test=</code> is given);</li>
<li>in the network task: probes the virtio-mmio windows, initialises the NIC, configures the
address, starts the HTTP server, and pings the gateway once.</li>
</ol>
<p>The boot ping is a deliberate end-to-end self-check: its reply proves that ARP, IPv4, ICMP, the
driver's transmit and receive paths and the interrupt line all work, and it primes the ARP cache
with the gateway's address before the first client connects.</p>
'''

# boot options: (name, syntax, default, meaning, example, notes)
OPTIONS = [
    ("ip", "ip=A.B.C.D[/P]", "10.0.2.15/24",
     "The guest's IPv4 address and prefix length. The prefix defaults to 24 when omitted. The address is used for ARP replies, as the source of every packet, and to decide which destinations are on the local link (anything inside the prefix) and which go through the gateway.",
     "ip=192.168.100.2/24",
     "A malformed value (not four decimal octets, a prefix above 32) logs <code>net: bad ip= on the command line, using the default</code> and the default is used. The address is logged as <code>net: ip 192.168.100.2/24 gw ...</code>."),
    ("gw", "gw=A.B.C.D", "10.0.2.2",
     "The default gateway. Packets to addresses outside the local prefix are sent to this host's MAC address, found by ARP. The boot ping goes to this address.",
     "gw=192.168.100.1",
     "A malformed value logs <code>net: bad gw= on the command line, using the default</code>. A gateway outside the local prefix is accepted but unreachable; the boot ping then fails with an ARP give-up."),
    ("netfault", "netfault=drop:P,corrupt:P", "off",
     "Fault injection for testing: each received and each transmitted frame is dropped with probability P percent, and a surviving frame has one byte flipped with probability P percent. Either part may be omitted. The decisions use the kernel's random generator, so runs differ.",
     "netfault=drop:5,corrupt:1",
     "Logged as <code>net: fault injection drop 5% corrupt 1%</code>. Counted in the <code>fault</code> statistics group. A corrupted frame is normally caught by the IP or TCP checksum and counted there as <code>drop_csum</code>. A malformed value logs <code>net: bad netfault=... (want drop:P,corrupt:P), ignored</code>."),
    ("test", "test=NAME", "none",
     "Runs a built-in kernel self-test instead of the network task, for the boot test suite: for example the page-fault handler, stack guard pages, preemption, sleeping and events, or the memory allocator. Each test prints its own lines and exits QEMU through the isa-debug-exit device with a status that tells the test script whether it passed.",
     "test=preempt",
     "An unknown test name starts the normal system instead. Not meant for production use."),
    ("accesslog", "accesslog=0|off|no", "on",
     "Turns the per-request access-log line on the serial console off. Anything else, or the option's absence, leaves it on.",
     "accesslog=0",
     "Useful for benchmarks: under tens of thousands of requests per second the serial console becomes the bottleneck and the measurements describe the UART emulation rather than the server."),
    ("stats_every", "stats_every=SECONDS", "off",
     "Every SECONDS seconds, prints every statistics group as <code>net: stats GROUP name=value ...</code> lines (long groups continue on a second line).",
     "stats_every=10",
     "The dump is scheduled as a deadline of the network task, so it costs nothing between dumps and never wakes the CPU early."),
    ("netexit", "netexit=SECONDS", "off",
     "Exits QEMU (status 0 through isa-debug-exit, if present) SECONDS seconds after the network came up, printing <code>net: exit after N ms</code> and a final statistics dump first.",
     "netexit=30",
     "For tests that need a bounded run and a final counter snapshot."),
    ("virtio_mmio.device", "virtio_mmio.device=SIZE@ADDR:GSI", "from QEMU",
     "Added by QEMU itself on microvm with <code>acpi=off</code>: tells the kernel where each virtio-mmio window is and which interrupt line it uses. The kernel reads these entries but also probes the standard window range, so they are not required.",
     "virtio_mmio.device=512@0xfeb00e00:12",
     "Entries outside the known window range, or malformed ones, log <code>platform: ... (ignored)</code>."),
]

def options():
    out = ['''
<h2 id="options">Boot options (the kernel command line)</h2>
<p>The kernel command line is given to QEMU with <code>-append "..."</code> (or
<code>APPEND=...</code> with <code>make run</code>, or <code>--append</code> in the deployment
wrapper). It is a list of <code>key=value</code> words separated by blanks. Keys are matched
exactly; a value ends at the next blank. Words the kernel does not recognise are reported once as
<code>cmdline: unknown key "KEY" (ignored)</code>; a few keys that Linux-oriented tooling tends to
add (<code>console</code>, <code>earlyprintk</code>, <code>root</code>, <code>panic</code> and
similar) are accepted silently so that copied command lines do not produce noise.</p>
<table>
<tr><th>Option</th><th>Syntax</th><th>Default</th><th>Example</th></tr>
''']
    for n, syn, d, m, ex, notes in OPTIONS:
        out.append(f'<tr><td><a href="#opt-{n}"><code>{esc(n)}</code></a></td><td><code>{esc(syn)}</code></td><td><code>{esc(d)}</code></td><td><code>{esc(ex)}</code></td></tr>\n')
    out.append('</table>\n')
    for n, syn, d, m, ex, notes in OPTIONS:
        out.append(f'<h3 id="opt-{n}"><code>{esc(n)}</code></h3>\n<p><strong>Syntax:</strong> <code>{esc(syn)}</code>. <strong>Default:</strong> <code>{esc(d)}</code>.</p>\n<p>{m}</p>\n<p>{notes}</p>\n<pre><code>qemu-system-x86_64 -M microvm -m 64M -nodefaults -no-user-config -nographic \\\n    -netdev user,id=n0,hostfwd=tcp:127.0.0.1:8080-:80 -device virtio-net-device,netdev=n0 \\\n    -kernel build/quartz-unikernel.elf -append "{esc(ex)}"</code></pre>\n')
    out.append('''
<h3>Combining options</h3>
<p>Options combine freely. A test of a lossy deployment on a tap device with its own addressing
and a statistics dump every five seconds looks like this:</p>
<pre><code>-append "ip=192.168.77.2/24 gw=192.168.77.1 netfault=drop:10 stats_every=5"</code></pre>
<p>The defaults match QEMU's user networking (SLIRP), in which the guest is always
<code>10.0.2.15</code> and the host-side gateway <code>10.0.2.2</code> with MAC address
<code>52:55:0a:00:02:02</code>; with user networking no option is needed at all.</p>
''')
    return "".join(out)

# serial lines: (pattern, example, when, meaning)
SERIAL = [
    ("quartz: booting (pvh, cmdline \"...\")", 'quartz: booting (pvh, cmdline "stats_every=5")', "Boot",
     "The first line. Confirms the PVH entry worked and shows the command line exactly as QEMU passed it. An empty command line shows as <code>\"\"</code>."),
    ("mem: [0xSTART-0xEND] TYPE", "mem: [0x000100000-0x003ffffff] ram", "Boot",
     "One line per region of the firmware memory map. Types are <code>ram</code>, <code>reserved</code>, <code>acpi</code>, <code>nvs</code> and <code>unusable</code>. Only <code>ram</code> regions are given to the page allocator, minus the kernel image itself."),
    ("mem: N KiB usable, P pages free", "mem: 61312 KiB usable, 15318 pages free", "Boot",
     "Memory available after the kernel image, page tables and early allocations. With <code>-m 64M</code> about 15 300 pages of 4 KiB are free; the baked site is part of the image, so a larger site lowers this number."),
    ("acpi: ioapic N at 0xADDR, gsi base B", "acpi: ioapic 1 at 0xfec10000, gsi base 24", "Boot",
     "One line per IOAPIC found in the ACPI MADT. With ACPI enabled, microvm has a second IOAPIC whose lines start at GSI 24; virtio-mmio slot n then uses GSI 24+n."),
    ("apic: lapic id N, K ioapic(s), P pins", "apic: lapic id 0, 2 ioapic(s), 48 pins", "Boot",
     "The local APIC is enabled and the IOAPICs are programmed with every line masked until a driver registers a handler."),
    ("timer: calibration over N windows: lapic A..B kHz, tsc C..D kHz", "timer: calibration over 5 windows: lapic 1000034..1003476 kHz, tsc 2096025..2103931 kHz", "Boot",
     "The spread of the calibration windows. A wide spread is normal under TCG, which is why the median is used."),
    ("timer: lapic F kHz, tick ... (clock: tsc T kHz)", "timer: lapic 1000139 kHz, tick 1000 Hz (clock: tsc 2096101 kHz)", "Boot",
     "The chosen frequencies. Time since boot (<code>now_ms</code>) is read from the TSC scaled by this calibration; the LAPIC timer provides the interrupts that wake sleeping tasks."),
    ("sched: running N tasks", "sched: running 2 tasks", "Boot",
     "The scheduler has started: normally the idle task and the network task."),
    ("irq: gsi G -> vector 0xV (ioapic I pin P)", "irq: gsi 47 -> vector 0x30 (ioapic 1 pin 23)", "Boot",
     "A driver registered an interrupt handler: the line, the CPU vector it was given and which IOAPIC pin carries it."),
    ("virtio-net: mmio 0xADDR vV irq G mac M rxq R txq T", "virtio-net: mmio 0xfeb02e00 v1 irq 47 mac 52:54:00:12:34:56 rxq 256 txq 256", "Boot",
     "The network device is up: its register window, transport version (1 legacy, 2 modern), interrupt line, MAC address and the sizes of its receive and transmit queues."),
    ("virtio-net: no device found in N slots", "virtio-net: no device found in 32 slots", "Boot",
     "No virtio-net device answered the probe. Usually the QEMU command line lacks <code>-device virtio-net-device,netdev=...</code>. The network task then idles; the kernel stays up."),
    ("net: ip A/P gw G", "net: ip 10.0.2.15/24 gw 10.0.2.2", "Boot",
     "The IPv4 configuration in effect, after <code>ip=</code> and <code>gw=</code> were applied."),
    ("net: fault injection drop D% corrupt C%", "net: fault injection drop 10% corrupt 0%", "Boot",
     "<code>netfault=</code> is active. Never seen in production unless asked for."),
    ("http: listening on :80 (N assets, B bytes)", "http: listening on :80 (6 assets, 12069 bytes)", "Boot",
     "The HTTP server is accepting connections. N is the number of files baked into the image and B their total size in bytes. Test scripts wait for this line, but note that QEMU's user networking accepts TCP connections on the host side before the guest listens: wait for an HTTP answer, not for a connect."),
    ("arp: A is-at M", "arp: 10.0.2.2 is-at 52:55:0a:00:02:02", "Runtime",
     "An address was resolved for the first time, or its hardware address changed. Routine refreshes of a known mapping are not logged."),
    ("ping: reply from A seq=N time=T ms", "ping: reply from 10.0.2.2 seq=1 time=7.0 ms", "Boot",
     "The reply to the boot ping of the gateway. Under TCG the first reply takes a few milliseconds to tens of milliseconds."),
    ("http: PEER:PORT METHOD PATH STATUS BYTES DURATIONms[ aborted]", "http: 10.0.2.2:42010 GET / 200 4290 6ms", "Per request",
     "The access log; see <a href=\"#access-log\">the access log</a> below."),
    ("net: stats GROUP name=value ...", "net: stats http requests=5 status_1xx=0 status_2xx=4 ...", "Periodic",
     "A statistics dump, with <code>stats_every=</code> or at <code>netexit=</code>. Each group is one or two lines; the meaning of each counter is in <a href=\"#counters\">the counter reference</a>."),
    ("net: exit after N ms", "net: exit after 30012 ms", "Test",
     "<code>netexit=</code> fired; a statistics dump follows and QEMU exits."),
    ("cmdline: unknown key \"K\" (ignored)", 'cmdline: unknown key "foo" (ignored)', "Boot",
     "A misspelt or unsupported option. Check the spelling against the table above."),
    ("net: bad ip= on the command line, using the default", "net: bad ip= on the command line, using the default", "Boot",
     "The <code>ip=</code> value did not parse."),
    ("pbuf: double free of buffer N ignored", "pbuf: double free of buffer 17 ignored", "Bug",
     "A code path freed a packet buffer twice. The second free is refused and counted in <code>pbuf.double_free</code>. This indicates a bug; please report it with the preceding lines."),
    ("stats: no slot for group G", "stats: no slot for group foo", "Bug",
     "More statistics groups were registered than the registry holds (16). Only a development build with new groups can see this."),
    ("http: cannot listen on :80", "http: cannot listen on :80", "Boot",
     "The TCP listener table was full or the port taken. Cannot happen in the shipped configuration."),
    ("panic: LABEL (FILE:LINE)", "panic: netmain: cannot create the network task (kernel/netmain.c:LINE)", "Fatal",
     "A broken invariant. The kernel stops and exits QEMU with an odd status through isa-debug-exit, so a supervisor restarts it. Panics are reserved for states that must never happen; bad network input never causes one."),
    ("exception N (NAME), error code E", "exception 14 (page fault), error code 0x2", "Fatal",
     "A CPU exception in kernel code, followed by the registers, the faulting address for page faults, the running task and a backtrace, then a panic."),
]

def serial():
    out = ['''
<h2 id="serial">Serial console: every log line</h2>
<p>The kernel writes its log to COM1. With <code>-nographic</code> or <code>-serial stdio</code>
the lines appear on the terminal; under systemd they go to the journal
(<code>journalctl -u quartz-unikernel</code>); with <code>-serial file:PATH</code> they go to a
file. Lines are plain ASCII. Each begins with the name of the subsystem that wrote it followed by
a colon, which makes them easy to filter. Nothing is printed per packet: the only line that
scales with traffic is the access log, one line per HTTP response, and it can be turned off.</p>
<p>The table lists every line a healthy or unhealthy system can print, with its origin and
meaning. <em>Boot</em> lines appear once; <em>Runtime</em> lines when something changes;
<em>Bug</em> and <em>Fatal</em> lines should never appear in production.</p>
<table>
<tr><th>Line</th><th>When</th><th>Meaning</th></tr>
''']
    for pat, ex, when, mean in SERIAL:
        out.append(f'<tr><td><code>{esc(pat)}</code><br><small>e.g. <code>{esc(ex)}</code></small></td><td>{when}</td><td>{mean}</td></tr>\n')
    out.append('</table>\n')
    out.append('''
<h3 id="access-log">The access log</h3>
<p>Every HTTP response produces one line once the client has acknowledged all of it:</p>
<pre><code>http: 10.0.2.2:42010 GET / 200 4290 6ms
http: 10.0.2.2:42022 GET /style.css 200 1571 0ms
http: 10.0.2.2:42024 GET /nope 404 131 5ms
http: 10.0.2.2:42030 GET /img/stack.png 206 309 3ms
http: 10.0.2.2:42042 HEAD / 200 180 4ms</code></pre>
<table>
<tr><th>Field</th><th>Meaning</th></tr>
<tr><td>peer</td><td>The client's IPv4 address and TCP port. Behind QEMU user networking every client appears as <code>10.0.2.2</code>; on a tap device you see the real addresses (or nginx's, if it proxies).</td></tr>
<tr><td>method</td><td>The method token as received, for example <code>GET</code>, <code>HEAD</code>, <code>POST</code>. A request rejected before its method was complete shows <code>-</code>.</td></tr>
<tr><td>path</td><td>The request target as received (not decoded), cut to 64 bytes, with any byte outside printable ASCII replaced by <code>?</code>, so that a client can never inject a forged log line. A request rejected before its target was read shows <code>-</code>.</td></tr>
<tr><td>status</td><td>The status code sent.</td></tr>
<tr><td>bytes</td><td>Bytes of the whole response: status line, header fields and body.</td></tr>
<tr><td>duration</td><td>Milliseconds from the first byte of the request to the acknowledgement of the last byte of the response. For a large file this is the transfer time as the client's TCP experienced it, not merely the time to queue it.</td></tr>
<tr><td><code>aborted</code></td><td>Appended when the connection ended (reset, timed out, closed by the client) before the response was fully acknowledged.</td></tr>
</table>
<p>Because a line is written on acknowledgement, pipelined responses are still logged in request
order, and a client that disappears mid-download is logged as <code>aborted</code> with the number
of bytes the response would have had. Turn the log off with <code>accesslog=0</code>.</p>
''')
    return "".join(out)

def part1():
    return HEAD + toc() + OVERVIEW + BUILD + mime_table() + BOOT + options() + serial()
