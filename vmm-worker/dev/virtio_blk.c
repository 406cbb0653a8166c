/*
 * virtio_blk.c - virtio-blk on a raw image, asynchronous through io_uring.
 *
 * Requests are parsed and submitted on the notifying vCPU thread with the
 * transport lock held; the I/O thread reaps completions under the same
 * lock, writes the status byte and the used ring, and raises the
 * interrupt. A request that needs no host I/O (an error, GET_ID)
 * completes at once on the vCPU thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <liburing.h>

#include "virtio_blk.h"

#define VIRTIO_BLK_QUEUE 0
#define VIRTIO_BLK_MAX_REQS VIRTQUEUE_MAX_SIZE
#define VIRTIO_BLK_HEADER_SIZE sizeof(struct virtio_blk_req_header)

/* io_uring user_data that tells the I/O thread to stop. */
#define VIRTIO_BLK_STOP 0

struct virtio_blk_req {
	struct virtqueue_elem elem;
	uint8_t *status;     /* the status byte, in guest RAM */
	unsigned status_iov; /* the iovec that holds it */
	uint32_t used_len;   /* bytes written to the guest on success */
	int64_t expect;	     /* cqe result that means success (read/write) */
	uint64_t offset, length;
	uint32_t type;
	bool unmap;
	bool fallback;	  /* write-zeroes redone as punch hole + allocate */
	unsigned pending; /* cqes still to come */
	int error;	  /* first failed cqe */
	struct virtio_blk_req *next_free;
};

struct virtio_blk {
	struct virtio_mmio vm; /* first: the bus opaque is &blk->vm */
	struct virtio_blk_config config;
	int fd;
	bool readonly;
	bool zero_range_unsupported;
	char id[VIRTIO_BLK_ID_BYTES];

	struct io_uring ring;
	bool ring_ready;
	pthread_t thread;
	bool thread_started;

	/* Below: protected by vm.lock. */
	pthread_cond_t idle; /* signalled when in_flight drops to 0 */
	unsigned in_flight;
	bool starved; /* the queue has chains we left for lack of a request slot */
	bool resetting;
	struct virtio_blk_req *free_list;
	struct virtio_blk_req reqs[VIRTIO_BLK_MAX_REQS];
};

static struct virtio_blk *virtio_blk_from_mmio(struct virtio_mmio *vm)
{
	return (struct virtio_blk *)((char *)vm - offsetof(struct virtio_blk, vm));
}

struct virtio_mmio *virtio_blk_mmio(struct virtio_blk *blk)
{
	return &blk->vm;
}

static void virtio_blk_free_req(struct virtio_blk *blk, struct virtio_blk_req *req)
{
	req->next_free = blk->free_list;
	blk->free_list = req;
}

/* Give the chain back to the driver with `status` (lock held). */
static void virtio_blk_finish(struct virtio_blk *blk, struct virtio_blk_req *req, uint8_t status)
{
	*req->status = status;
	virtqueue_push(&blk->vm.queues[VIRTIO_BLK_QUEUE], req->elem.head,
		       status == VIRTIO_BLK_S_OK ? req->used_len : 1);
	virtio_blk_free_req(blk, req);
}

/* Drop `skip` bytes from the front of iov[first..first+*count), in place. */
static struct iovec *virtio_blk_skip(struct iovec *iov, unsigned *count, uint64_t skip)
{
	while (*count && skip >= iov->iov_len) {
		skip -= iov->iov_len;
		iov++;
		(*count)--;
	}
	if (*count && skip) {
		iov->iov_base = (uint8_t *)iov->iov_base + skip;
		iov->iov_len -= skip;
	}
	return iov;
}

static bool virtio_blk_in_range(const struct virtio_blk *blk, uint64_t sector, uint64_t sectors)
{
	return sector <= blk->config.capacity && sectors <= blk->config.capacity - sector;
}

static struct io_uring_sqe *virtio_blk_get_sqe(struct virtio_blk *blk)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&blk->ring);

	/* The SQ holds twice the queue size, so this only drains a full batch. */
	if (!sqe) {
		io_uring_submit(&blk->ring);
		sqe = io_uring_get_sqe(&blk->ring);
	}
	return sqe;
}

/* Queue the fallocate calls of a discard or write-zeroes request. */
static int virtio_blk_submit_fallocate(struct virtio_blk *blk, struct virtio_blk_req *req)
{
	struct io_uring_sqe *sqe;
	int mode = FALLOC_FL_KEEP_SIZE;

	if (req->type == VIRTIO_BLK_T_DISCARD || req->unmap || req->fallback)
		mode |= FALLOC_FL_PUNCH_HOLE;
	else
		mode |= FALLOC_FL_ZERO_RANGE;
	sqe = virtio_blk_get_sqe(blk);
	if (!sqe)
		return -EAGAIN;
	io_uring_prep_fallocate(sqe, blk->fd, mode, req->offset, req->length);
	io_uring_sqe_set_data(sqe, req);
	req->pending = 1;
	if (req->fallback && !req->unmap) {
		/* Zeroes that stay allocated: punch the range, then allocate it again. */
		io_uring_sqe_set_flags(sqe, IOSQE_IO_LINK);
		sqe = virtio_blk_get_sqe(blk);
		if (!sqe)
			return -EAGAIN;
		io_uring_prep_fallocate(sqe, blk->fd, FALLOC_FL_KEEP_SIZE, req->offset,
					req->length);
		io_uring_sqe_set_data(sqe, req);
		req->pending = 2;
	}
	return 0;
}

/*
 * Discard and write-zeroes carry one segment (max_*_seg is 1). Returns a
 * status, or VIRTIO_BLK_S_OK with the request ready to submit.
 */
static uint8_t virtio_blk_parse_range(struct virtio_blk *blk, struct virtio_blk_req *req)
{
	struct virtio_blk_discard_segment seg;
	bool discard = req->type == VIRTIO_BLK_T_DISCARD;
	unsigned feature = discard ? VIRTIO_BLK_F_DISCARD : VIRTIO_BLK_F_WRITE_ZEROES;

	if (!virtio_mmio_has_feature(&blk->vm, feature))
		return VIRTIO_BLK_S_UNSUPP;
	if (req->elem.out_len != VIRTIO_BLK_HEADER_SIZE + sizeof(seg))
		return VIRTIO_BLK_S_UNSUPP;
	virtqueue_elem_read(&req->elem, VIRTIO_BLK_HEADER_SIZE, &seg, sizeof(seg));
	if (seg.flags & ~(uint32_t)(discard ? 0 : VIRTIO_BLK_WRITE_ZEROES_F_UNMAP))
		return VIRTIO_BLK_S_UNSUPP;
	if (blk->readonly || !virtio_blk_in_range(blk, seg.sector, seg.num_sectors) ||
	    seg.num_sectors > VIRTIO_BLK_MAX_DISCARD_SECTORS)
		return VIRTIO_BLK_S_IOERR;
	req->offset = seg.sector * VIRTIO_BLK_SECTOR_SIZE;
	req->length = (uint64_t)seg.num_sectors * VIRTIO_BLK_SECTOR_SIZE;
	req->unmap = seg.flags & VIRTIO_BLK_WRITE_ZEROES_F_UNMAP;
	req->fallback = !discard && !req->unmap && blk->zero_range_unsupported;
	req->used_len = 1;
	req->expect = 0;
	return VIRTIO_BLK_S_OK;
}

/* Read or write: checks, then one readv/writev straight into guest RAM. */
static uint8_t virtio_blk_submit_rw(struct virtio_blk *blk, struct virtio_blk_req *req,
				    uint64_t sector, int *err)
{
	struct virtqueue_elem *e = &req->elem;
	bool read = req->type == VIRTIO_BLK_T_IN;
	struct io_uring_sqe *sqe;
	struct iovec *iov;
	unsigned count;
	uint64_t len;

	if (read) {
		iov = &e->iov[e->out_count];
		count = e->in_count;
		len = e->in_len - 1;
		/* The status byte is the last writable byte: keep it out of the read. */
		e->iov[req->status_iov].iov_len--;
	} else {
		count = e->out_count;
		iov = virtio_blk_skip(e->iov, &count, VIRTIO_BLK_HEADER_SIZE);
		len = e->out_len - VIRTIO_BLK_HEADER_SIZE;
	}
	if (!read && blk->readonly)
		return VIRTIO_BLK_S_IOERR;
	if (len % VIRTIO_BLK_SECTOR_SIZE ||
	    !virtio_blk_in_range(blk, sector, len / VIRTIO_BLK_SECTOR_SIZE))
		return VIRTIO_BLK_S_IOERR;
	req->expect = (int64_t)len;
	req->used_len = read ? (uint32_t)(len + 1) : 1;
	sqe = virtio_blk_get_sqe(blk);
	if (!sqe) {
		*err = -EAGAIN;
		return VIRTIO_BLK_S_IOERR;
	}
	if (read)
		io_uring_prep_readv(sqe, blk->fd, iov, count, sector * VIRTIO_BLK_SECTOR_SIZE);
	else
		io_uring_prep_writev(sqe, blk->fd, iov, count, sector * VIRTIO_BLK_SECTOR_SIZE);
	io_uring_sqe_set_data(sqe, req);
	req->pending = 1;
	return VIRTIO_BLK_S_OK;
}

/*
 * Start one request. Returns 0 (submitted or completed) or -EPROTO when
 * the chain's shape breaks the protocol (the caller resets the device).
 */
static int virtio_blk_start(struct virtio_blk *blk, struct virtio_blk_req *req, const char **why)
{
	struct virtqueue_elem *e = &req->elem;
	struct virtio_blk_req_header hdr;
	struct iovec *last;
	uint8_t status = VIRTIO_BLK_S_OK;
	int err = 0;

	/* Header readable first, status writable last: anything else is misframed. */
	if (e->out_len < VIRTIO_BLK_HEADER_SIZE || !e->in_len) {
		*why = "block request without a readable header or a writable status";
		return -EPROTO;
	}
	req->status_iov = e->out_count + e->in_count - 1;
	while (!e->iov[req->status_iov].iov_len)
		req->status_iov--;
	last = &e->iov[req->status_iov];
	req->status = (uint8_t *)last->iov_base + last->iov_len - 1;
	virtqueue_elem_read(e, 0, &hdr, sizeof(hdr));
	req->type = hdr.type;
	req->used_len = 1;
	req->error = 0;
	/* Data must flow the way the request type says. */
	if ((hdr.type == VIRTIO_BLK_T_IN || hdr.type == VIRTIO_BLK_T_GET_ID) &&
	    e->out_len != VIRTIO_BLK_HEADER_SIZE) {
		*why = "block read with device-readable data buffers";
		return -EPROTO;
	}
	if (hdr.type != VIRTIO_BLK_T_IN && hdr.type != VIRTIO_BLK_T_GET_ID && e->in_len != 1) {
		*why = "block request with device-writable data buffers";
		return -EPROTO;
	}
	switch (hdr.type) {
	case VIRTIO_BLK_T_IN:
	case VIRTIO_BLK_T_OUT:
		status = virtio_blk_submit_rw(blk, req, hdr.sector, &err);
		break;
	case VIRTIO_BLK_T_FLUSH:
		if (!virtio_mmio_has_feature(&blk->vm, VIRTIO_BLK_F_FLUSH)) {
			status = VIRTIO_BLK_S_UNSUPP;
		} else {
			struct io_uring_sqe *sqe = virtio_blk_get_sqe(blk);

			if (!sqe) {
				err = -EAGAIN;
				status = VIRTIO_BLK_S_IOERR;
				break;
			}
			io_uring_prep_fsync(sqe, blk->fd, IORING_FSYNC_DATASYNC);
			io_uring_sqe_set_data(sqe, req);
			req->expect = 0;
			req->pending = 1;
		}
		break;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		status = virtio_blk_parse_range(blk, req);
		if (status == VIRTIO_BLK_S_OK && virtio_blk_submit_fallocate(blk, req)) {
			err = -EAGAIN;
			status = VIRTIO_BLK_S_IOERR;
		}
		break;
	case VIRTIO_BLK_T_GET_ID: {
		uint64_t n =
			e->in_len - 1 < VIRTIO_BLK_ID_BYTES ? e->in_len - 1 : VIRTIO_BLK_ID_BYTES;

		req->used_len = (uint32_t)virtqueue_elem_write(e, 0, blk->id, n) + 1;
		virtio_blk_finish(blk, req, VIRTIO_BLK_S_OK);
		return 0;
	}
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	if (err)
		fprintf(stderr, "vmm-worker: virtio-blk: io_uring submission queue full\n");
	if (status != VIRTIO_BLK_S_OK) {
		virtio_blk_finish(blk, req, status);
		return 0;
	}
	blk->in_flight++;
	return 0;
}

/* Take every available chain while request slots last (lock held). */
static void virtio_blk_process(struct virtio_blk *blk)
{
	struct virtqueue *vq = &blk->vm.queues[VIRTIO_BLK_QUEUE];
	unsigned completed_before = vq->used_idx;
	const char *why = NULL;

	blk->starved = false;
	while (virtio_mmio_is_live(&blk->vm)) {
		struct virtio_blk_req *req = blk->free_list;
		int ret;

		if (!req) {
			blk->starved = true;
			break;
		}
		ret = virtqueue_pop(vq, &req->elem, &why);
		if (ret <= 0) {
			if (ret < 0)
				virtio_mmio_set_needs_reset(&blk->vm, why);
			break;
		}
		blk->free_list = req->next_free;
		if (virtio_blk_start(blk, req, &why)) {
			virtio_blk_free_req(blk, req);
			virtio_mmio_set_needs_reset(&blk->vm, why);
			break;
		}
	}
	io_uring_submit(&blk->ring);
	if ((uint16_t)(vq->used_idx - completed_before))
		virtio_mmio_notify_used(&blk->vm, VIRTIO_BLK_QUEUE);
}

static void virtio_blk_queue_notify(struct virtio_mmio *vm, unsigned queue)
{
	virtio_blk_process(virtio_blk_from_mmio(vm));
}

/* One cqe for `req` (lock held). Returns true when the request completed. */
static bool virtio_blk_complete(struct virtio_blk *blk, struct virtio_blk_req *req, int res)
{
	bool zeroing = req->type == VIRTIO_BLK_T_WRITE_ZEROES;

	if (req->type == VIRTIO_BLK_T_DISCARD && res == -EOPNOTSUPP)
		res = 0; /* discard is a hint: not releasing space is allowed */
	if (zeroing && res == -EOPNOTSUPP && !req->fallback && !req->unmap) {
		/* The file system cannot zero a range in place: punch and reallocate. */
		blk->zero_range_unsupported = true;
		req->fallback = true;
		if (!virtio_blk_submit_fallocate(blk, req)) {
			io_uring_submit(&blk->ring);
			return false;
		}
	}
	if (res != req->expect && !req->error)
		req->error = res < 0 ? res : -EIO;
	if (--req->pending)
		return false;
	virtio_blk_finish(blk, req, req->error ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK);
	blk->in_flight--;
	return true;
}

static void *virtio_blk_io_thread(void *arg)
{
	struct virtio_blk *blk = arg;
	bool stop = false;

	while (!stop) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0, done = 0;
		int ret = io_uring_wait_cqe(&blk->ring, &cqe);

		if (ret == -EINTR)
			continue;
		if (ret) {
			fprintf(stderr, "vmm-worker: virtio-blk: io_uring: %s\n", strerror(-ret));
			break;
		}
		pthread_mutex_lock(&blk->vm.lock);
		io_uring_for_each_cqe(&blk->ring, head, cqe)
		{
			struct virtio_blk_req *req = io_uring_cqe_get_data(cqe);

			seen++;
			if (cqe->user_data == VIRTIO_BLK_STOP)
				stop = true;
			else if (virtio_blk_complete(blk, req, cqe->res))
				done++;
		}
		io_uring_cq_advance(&blk->ring, seen);
		if (done)
			virtio_mmio_notify_used(&blk->vm, VIRTIO_BLK_QUEUE);
		if (blk->starved && !blk->resetting)
			virtio_blk_process(blk);
		if (!blk->in_flight)
			pthread_cond_broadcast(&blk->idle);
		pthread_mutex_unlock(&blk->vm.lock);
	}
	return NULL;
}

static void virtio_blk_drain_locked(struct virtio_blk *blk)
{
	while (blk->in_flight)
		pthread_cond_wait(&blk->idle, &blk->vm.lock);
}

void virtio_blk_drain(struct virtio_blk *blk)
{
	pthread_mutex_lock(&blk->vm.lock);
	virtio_blk_drain_locked(blk);
	pthread_mutex_unlock(&blk->vm.lock);
}

/*
 * A reset waits for the requests in flight: once the driver sees status 0
 * no late completion may write into memory it has taken back.
 */
static void virtio_blk_reset(struct virtio_mmio *vm)
{
	struct virtio_blk *blk = virtio_blk_from_mmio(vm);

	blk->resetting = true;
	virtio_blk_drain_locked(blk);
	blk->resetting = false;
	blk->starved = false;
}

static void virtio_blk_fini(struct virtio_mmio *vm)
{
	virtio_blk_destroy(virtio_blk_from_mmio(vm));
}

static const struct virtio_device_ops virtio_blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.queue_count = 1,
	.features = (1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) |
		    (1ull << VIRTIO_BLK_F_BLK_SIZE) | (1ull << VIRTIO_BLK_F_FLUSH) |
		    (1ull << VIRTIO_BLK_F_DISCARD) | (1ull << VIRTIO_BLK_F_WRITE_ZEROES) |
		    (1ull << VIRTIO_F_INDIRECT_DESC),
	.queue_notify = virtio_blk_queue_notify,
	.reset = virtio_blk_reset,
	.fini = virtio_blk_fini,
};

/* A read-only disk offers RO and none of the features that write. */
static const struct virtio_device_ops virtio_blk_ro_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.queue_count = 1,
	.features = (1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) |
		    (1ull << VIRTIO_BLK_F_BLK_SIZE) | (1ull << VIRTIO_BLK_F_FLUSH) |
		    (1ull << VIRTIO_BLK_F_RO) | (1ull << VIRTIO_F_INDIRECT_DESC),
	.queue_notify = virtio_blk_queue_notify,
	.reset = virtio_blk_reset,
	.fini = virtio_blk_fini,
};

static void virtio_blk_fill_config(struct virtio_blk *blk, uint64_t bytes)
{
	struct virtio_blk_config *c = &blk->config;

	c->capacity = bytes / VIRTIO_BLK_SECTOR_SIZE;
	c->size_max = VIRTIO_BLK_SIZE_MAX;
	c->seg_max = VIRTIO_BLK_SEG_MAX;
	c->blk_size = VIRTIO_BLK_SECTOR_SIZE;
	c->num_queues = 1;
	c->max_discard_sectors = VIRTIO_BLK_MAX_DISCARD_SECTORS;
	c->max_discard_seg = 1;
	c->discard_sector_alignment = VIRTIO_BLK_DISCARD_ALIGNMENT;
	c->max_write_zeroes_sectors = VIRTIO_BLK_MAX_DISCARD_SECTORS;
	c->max_write_zeroes_seg = 1;
	c->write_zeroes_may_unmap = 1;
}

int virtio_blk_create(const struct bus *bus, const char *path, bool readonly,
		      struct virtio_blk **out, char *errbuf, size_t errlen)
{
	struct virtio_blk *blk;
	const char *base;
	struct stat st;
	off_t size;
	int ret;

	*out = NULL;
	blk = calloc(1, sizeof(*blk));
	if (!blk) {
		snprintf(errbuf, errlen, "out of memory");
		return -ENOMEM;
	}
	blk->readonly = readonly;
	blk->fd = open(path, (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (blk->fd < 0) {
		ret = -errno;
		snprintf(errbuf, errlen, "--drive %s: %s", path, strerror(errno));
		goto fail_free;
	}
	/* Two writers on one image would corrupt it; readers may share. */
	if (flock(blk->fd, (readonly ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		ret = -errno;
		snprintf(errbuf, errlen, "--drive %s: image in use by another process", path);
		goto fail_close;
	}
	size = lseek(blk->fd, 0, SEEK_END);
	if (fstat(blk->fd, &st) || size < 0) {
		ret = -errno;
		snprintf(errbuf, errlen, "--drive %s: %s", path, strerror(errno));
		goto fail_close;
	}
	virtio_blk_fill_config(blk, (uint64_t)size);
	/* The serial the guest sees: the image's file name, cut to 20 bytes. */
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	memcpy(blk->id, base, strnlen(base, sizeof(blk->id)));
	ret = virtio_mmio_init(&blk->vm, readonly ? &virtio_blk_ro_ops : &virtio_blk_ops, bus,
			       &blk->config, sizeof(blk->config));
	if (ret) {
		snprintf(errbuf, errlen, "virtio-blk: %s", strerror(-ret));
		goto fail_close;
	}
	pthread_cond_init(&blk->idle, NULL);
	for (unsigned i = VIRTIO_BLK_MAX_REQS; i-- > 0;)
		virtio_blk_free_req(blk, &blk->reqs[i]);
	ret = io_uring_queue_init(2 * VIRTIO_BLK_MAX_REQS, &blk->ring, 0);
	if (ret) {
		snprintf(errbuf, errlen, "virtio-blk: io_uring: %s", strerror(-ret));
		goto fail_destroy;
	}
	blk->ring_ready = true;
	ret = -pthread_create(&blk->thread, NULL, virtio_blk_io_thread, blk);
	if (ret) {
		snprintf(errbuf, errlen, "virtio-blk: I/O thread: %s", strerror(-ret));
		goto fail_destroy;
	}
	blk->thread_started = true;
	*out = blk;
	return 0;
fail_destroy:
	virtio_blk_destroy(blk);
	return ret;
fail_close:
	close(blk->fd);
fail_free:
	free(blk);
	return ret;
}

void virtio_blk_destroy(struct virtio_blk *blk)
{
	if (blk->thread_started) {
		struct io_uring_sqe *sqe;

		pthread_mutex_lock(&blk->vm.lock);
		virtio_blk_drain_locked(blk);
		/* Nothing is in flight, so the submission queue has room. */
		sqe = virtio_blk_get_sqe(blk);
		io_uring_prep_nop(sqe);
		io_uring_sqe_set_data64(sqe, VIRTIO_BLK_STOP);
		io_uring_submit(&blk->ring);
		pthread_mutex_unlock(&blk->vm.lock);
		pthread_join(blk->thread, NULL);
	}
	if (blk->ring_ready)
		io_uring_queue_exit(&blk->ring);
	pthread_cond_destroy(&blk->idle);
	virtio_mmio_fini(&blk->vm);
	close(blk->fd);
	free(blk);
}
