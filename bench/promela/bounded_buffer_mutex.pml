/*
 * The textbook bounded buffer with one spin lock around each critical
 * section: ringproof's boundedBuffer({ sync: "mutex", scheme: "textbook" })
 * (model/_machine/) in Promela, for SPIN. Defaults are the bench model:
 * 2 producers, 2 consumers, slots 4, 6 items per producer. Override with
 * `spin -DPRODUCERS=1 -DCONSUMERS=1 -DSLOTS=3 -DITEMS=2 -a ...`.
 *
 * Equivalence with the explorer, variable by variable and step by step:
 * - globals: in, out (indices in [0, SLOTS)), cells[SLOTS] (0 = never
 *   written, else producer * ITEMS + seq + 1, as the explorer encodes items),
 *   lock; ghost: mask[p] (bit s: item s of producer p was consumed; the
 *   explorer keeps it with 2+ consumers) and seen[c * PRODUCERS + p] (one
 *   more than the last sequence number consumer c took from producer p).
 * - each process keeps an explicit pc (the explorer's pc: an index into
 *   its program) and its locals (producer: produced; consumer: next, the
 *   textbook's next_consumed, cleared at unlock as the explorer does). The
 *   d_steps' scratch variables are `hidden`: not part of the state.
 *   Each step is one d_step guarded on pc, so SPIN's own control state
 *   stays at the loop head and every step is exactly one transition with no
 *   intermediate state: the stored states are the explorer's states.
 * - lock: enabled only when the lock is free AND the wait would pass (the
 *   explorer's blocking spin: a failed attempt changes nothing).
 * - wait: a guard (not full / not empty); always true under the lock.
 * - the explorer's ghost flags (set by the step that breaks a property) are
 *   replaced by asserts in that same step; in a passing model the flags stay
 *   0, so the state counts are unaffected.
 * - deadlock-free and no-loss: all loops carry end labels, so SPIN's own
 *   invalid-end-state check is off; the watchdog checks, in every state with
 *   no enabled step (timeout), that it is a proper end state (producers
 *   done, consumers at the top of their loop, lock free, buffer empty) and
 *   that every item was consumed. It never moves in a passing model, so it
 *   adds bytes to the state vector but no states.
 */
#ifndef PRODUCERS
#define PRODUCERS 2
#endif
#ifndef CONSUMERS
#define CONSUMERS 2
#endif
#ifndef SLOTS
#define SLOTS 4
#endif
#ifndef ITEMS
#define ITEMS 6
#endif

/* program steps (pc values) */
#define LOCK 0
#define WAIT 1
#define WRITE 2
#define PUBLISH 3
#define UNLOCK 4
#define DONE 5
#define READ 2
#define RELEASE 3

#define FULL ((in + 1) % SLOTS == out)
#define EMPTY (in == out)

byte in, out, lock;
byte cells[SLOTS];
byte mask[PRODUCERS];
byte seen[CONSUMERS * PRODUCERS];
byte ppc[PRODUCERS], produced[PRODUCERS];
byte cpc[CONSUMERS], next[CONSUMERS];
/* scratch for the d_steps: hidden, so not in the state vector */
hidden byte n, i, j, c, v, q, s, k;

/* items produced minus items consumed (the bound invariant: <= SLOTS - 1) */
inline count_in_buffer(n) {
  n = 0;
  i = 0;
  do
  :: i < PRODUCERS ->
     n = n + produced[i];
     j = 0;
     do
     :: j < ITEMS -> n = n - ((mask[i] >> j) & 1); j++
     :: else -> break
     od;
     i++
  :: else -> break
  od
}

active [PRODUCERS] proctype producer() {
end:
  do
  :: d_step { ppc[_pid] == LOCK && lock == 0 && !FULL ->
       lock = 1; ppc[_pid] = WAIT }
  :: d_step { ppc[_pid] == WAIT && !FULL -> ppc[_pid] = WRITE }
  :: d_step { ppc[_pid] == WRITE ->
       cells[in] = _pid * ITEMS + produced[_pid] + 1;
       produced[_pid]++;
       count_in_buffer(n);
       assert(n <= SLOTS - 1);  /* bound */
       ppc[_pid] = PUBLISH }
  :: d_step { ppc[_pid] == PUBLISH -> in = (in + 1) % SLOTS; ppc[_pid] = UNLOCK }
  :: d_step { ppc[_pid] == UNLOCK ->
       lock = 0;
       if
       :: produced[_pid] < ITEMS -> ppc[_pid] = LOCK
       :: else -> ppc[_pid] = DONE
       fi }
  od
}

active [CONSUMERS] proctype consumer() {
end:
  do
  :: d_step { cpc[_pid - PRODUCERS] == LOCK && lock == 0 && !EMPTY ->
       lock = 1; cpc[_pid - PRODUCERS] = WAIT }
  :: d_step { cpc[_pid - PRODUCERS] == WAIT && !EMPTY ->
       cpc[_pid - PRODUCERS] = READ }
  :: d_step { cpc[_pid - PRODUCERS] == READ ->
       c = _pid - PRODUCERS;
       v = cells[out];
       assert(v != 0);                          /* no-unproduced */
       q = (v - 1) / ITEMS;
       s = v - 1 - q * ITEMS;
       assert(((mask[q] >> s) & 1) == 0);       /* no-duplicate */
       assert(s >= seen[c * PRODUCERS + q]);    /* fifo */
       seen[c * PRODUCERS + q] = s + 1;
       mask[q] = mask[q] | (1 << s);
       next[c] = v;
       cpc[_pid - PRODUCERS] = RELEASE }
  :: d_step { cpc[_pid - PRODUCERS] == RELEASE ->
       out = (out + 1) % SLOTS; cpc[_pid - PRODUCERS] = UNLOCK }
  :: d_step { cpc[_pid - PRODUCERS] == UNLOCK ->
       lock = 0; next[_pid - PRODUCERS] = 0; cpc[_pid - PRODUCERS] = LOCK }
  od
}

/* deadlock-free and no-loss, in every state with no enabled step */
active proctype watchdog() {
end:
  do
  :: d_step { timeout ->
       assert(lock == 0 && EMPTY);
       k = 0;
       do
       :: k < PRODUCERS ->
          assert(ppc[k] == DONE && mask[k] == (1 << ITEMS) - 1); k++
       :: else -> break
       od;
       k = 0;
       do
       :: k < CONSUMERS -> assert(cpc[k] == LOCK); k++
       :: else -> break
       od }
  od
}
