/*
 * The textbook bounded buffer, one producer and one consumer, no lock:
 * ringproof's boundedBuffer({ scheme: "textbook", slots: SLOTS, items: ITEMS })
 * (model/_machine/) in Promela, for SPIN. Defaults: slots 3, 4 items.
 * Override with `spin -DSLOTS=4 -DITEMS=6 -a ...`.
 *
 * The same encoding as bounded_buffer_mutex.pml (see its comment): explicit
 * pcs, one d_step per shared access, so SPIN's "states, stored" must equal
 * the explorer's state count. With one consumer the explorer's ghost is
 * `seen` alone (items 0 .. seen - 1 consumed, in order), and so is this one.
 */
#ifndef SLOTS
#define SLOTS 3
#endif
#ifndef ITEMS
#define ITEMS 4
#endif

/* producer: wait (not full), write, publish */
#define P_WAIT 0
#define P_WRITE 1
#define P_PUBLISH 2
#define P_DONE 3
/* consumer: wait (not empty), read, release */
#define C_WAIT 0
#define C_READ 1
#define C_RELEASE 2

#define FULL ((in + 1) % SLOTS == out)
#define EMPTY (in == out)

byte in, out;
byte cells[SLOTS];
byte ppc, produced;
byte cpc, next, seen;

active proctype producer() {
end:
  do
  :: d_step { ppc == P_WAIT && !FULL -> ppc = P_WRITE }
  :: d_step { ppc == P_WRITE ->
       cells[in] = produced + 1;
       produced++;
       assert(produced - seen <= SLOTS - 1);  /* bound */
       ppc = P_PUBLISH }
  :: d_step { ppc == P_PUBLISH ->
       in = (in + 1) % SLOTS;
       if
       :: produced < ITEMS -> ppc = P_WAIT
       :: else -> ppc = P_DONE
       fi }
  od
}

active proctype consumer() {
end:
  do
  :: d_step { cpc == C_WAIT && !EMPTY -> cpc = C_READ }
  :: d_step { cpc == C_READ ->
       assert(cells[out] != 0);               /* no-unproduced */
       assert(cells[out] - 1 >= seen);         /* no-duplicate */
       assert(cells[out] - 1 == seen);         /* fifo: exactly 0, 1, 2, ... */
       seen = cells[out];
       next = cells[out];
       cpc = C_RELEASE }
  :: d_step { cpc == C_RELEASE ->
       out = (out + 1) % SLOTS; next = 0; cpc = C_WAIT }
  od
}

/* deadlock-free and no-loss, in every state with no enabled step; the
   d_step returns to the same state, so the watchdog adds no states */
active proctype watchdog() {
end:
  do
  :: d_step { timeout ->
       assert(ppc == P_DONE && cpc == C_WAIT && EMPTY && seen == ITEMS) }
  od
}
