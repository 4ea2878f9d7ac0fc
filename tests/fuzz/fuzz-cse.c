// SPDX-License-Identifier: GPL-2.0-or-later
/* CSME 12+ parsers: layout table / $FPT / BPDT / $CPD scan, manifest, signature. */
#include "fuzz-common.h"
#include "cse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cse_manifest m;
	struct cse_cpd dir;
	struct cse_scan s;
	const char *scheme;
	enum img_sig sig;

	if (!cse_scan(data, size, &s))
		cse_verify(&s.man, &sig, &scheme);
	cse_cpd_parse(data, size, &dir);
	if (!cse_manifest_parse(data, size, &m))
		cse_verify(&m, &sig, &scheme);
	return 0;
}
