/* SPDX-License-Identifier: MIT */
/*
 * Serialized views of all VMs (the GET /v1/vms body, the per-VM part of
 * /metrics), built from the store once and served as they are until the
 * store's generation changes: a list request then costs a reference count
 * instead of a SELECT, a JSON parse per VM and a serialization.
 *
 * A view is a reference-counted, immutable text (struct vm_cache_text): a
 * response holds its reference while the bytes go out, so a rebuild never
 * frees text that is being sent.
 */
#ifndef VMMD_VM_CACHE_H
#define VMMD_VM_CACHE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* The views kept. */
enum vm_cache_view {
	VM_CACHE_LIST,	      /* {"vms":[...]}: each definition plus "state" */
	VM_CACHE_METRICS_VMS, /* metrics_render_vms() of the VMs */
	VM_CACHE_VIEWS,
};

/* One built view; never changed after it is published. */
struct vm_cache_text {
	atomic_uint refs;
	uint64_t generation; /* store_generation() read before it was built */
	size_t len;
	char text[]; /* NUL-terminated */
};

/*
 * Builds a view from the store into a malloc'ed NUL-terminated *@text of
 * *@len bytes; @opaque is vm_cache_init()'s. Returns 0 or -errno with a
 * message in @err.
 */
typedef int (*vm_cache_build_fn)(void *opaque, char **text, size_t *len, char *err, size_t err_len);

struct vm_cache {
	struct store *store;
	pthread_mutex_t lock; /* held while a view is looked up or rebuilt */
	struct vm_cache_text *views[VM_CACHE_VIEWS];
	vm_cache_build_fn build[VM_CACHE_VIEWS];
	void *opaque;
};

/*
 * vm_cache_init - an empty cache over @store; @build has one function per
 * view, called with @opaque.
 */
void vm_cache_init(struct vm_cache *cache, struct store *store,
		   const vm_cache_build_fn build[VM_CACHE_VIEWS], void *opaque);

/* vm_cache_fini - drop the cache's references; texts still being sent live on. */
void vm_cache_fini(struct vm_cache *cache);

/*
 * vm_cache_get - the current text of @view in *@out, with a reference the
 * caller drops with vm_cache_text_put(). Rebuilt first if a write reached
 * the store since it was built. Returns 0 or the builder's -errno (@err).
 */
int vm_cache_get(struct vm_cache *cache, enum vm_cache_view view, struct vm_cache_text **out,
		 char *err, size_t err_len);

/* vm_cache_text_put - drop a reference (void * so it can be a free callback); NULL is fine. */
void vm_cache_text_put(void *text);

#endif /* VMMD_VM_CACHE_H */
