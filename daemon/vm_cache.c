/* SPDX-License-Identifier: MIT */
/*
 * vm_cache.c - views of all VMs rebuilt only after the store changed; see
 * vm_cache.h.
 *
 * A miss rebuilds under the cache's lock: after a state change sixteen
 * concurrent list requests then wait for one rebuild instead of running
 * sixteen. The lock order is cache, then store (the builders read the store).
 */
#include "vm_cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

/* vm_cache_init - see vm_cache.h. */
void vm_cache_init(struct vm_cache *cache, struct store *store,
		   const vm_cache_build_fn build[VM_CACHE_VIEWS], void *opaque)
{
	memset(cache, 0, sizeof(*cache));
	cache->store = store;
	pthread_mutex_init(&cache->lock, NULL);
	memcpy(cache->build, build, sizeof(cache->build));
	cache->opaque = opaque;
}

/* vm_cache_fini - see vm_cache.h. */
void vm_cache_fini(struct vm_cache *cache)
{
	for (size_t i = 0; i < VM_CACHE_VIEWS; i++) {
		vm_cache_text_put(cache->views[i]);
		cache->views[i] = NULL;
	}
	pthread_mutex_destroy(&cache->lock);
}

/* vm_cache_text_put - see vm_cache.h. */
void vm_cache_text_put(void *opaque)
{
	struct vm_cache_text *text = opaque;

	if (text && atomic_fetch_sub(&text->refs, 1) == 1)
		free(text);
}

static int vm_cache_build(struct vm_cache *cache, enum vm_cache_view view, uint64_t generation,
			  struct vm_cache_text **out, char *err, size_t err_len)
{
	struct vm_cache_text *built;
	char *text = NULL;
	size_t len = 0;
	int ret;

	ret = cache->build[view](cache->opaque, &text, &len, err, err_len);
	if (ret)
		return ret;
	built = malloc(sizeof(*built) + len + 1);
	if (!built) {
		free(text);
		return -ENOMEM;
	}
	atomic_init(&built->refs, 1);
	built->generation = generation;
	built->len = len;
	memcpy(built->text, text, len);
	built->text[len] = '\0';
	free(text);
	*out = built;
	return 0;
}

/* vm_cache_get - see vm_cache.h. */
int vm_cache_get(struct vm_cache *cache, enum vm_cache_view view, struct vm_cache_text **out,
		 char *err, size_t err_len)
{
	uint64_t generation;
	struct vm_cache_text *text;
	int ret = 0;

	pthread_mutex_lock(&cache->lock);
	/* Read before building: a write that lands meanwhile makes the next get rebuild. */
	generation = store_generation(cache->store);
	text = cache->views[view];
	if (!text || text->generation != generation) {
		ret = vm_cache_build(cache, view, generation, &text, err, err_len);
		if (ret)
			goto out;
		vm_cache_text_put(cache->views[view]);
		cache->views[view] = text;
	}
	atomic_fetch_add(&text->refs, 1);
	*out = text;
out:
	pthread_mutex_unlock(&cache->lock);
	return ret;
}
