// The classroom board: who is at the desk in very large type, who is next, how many wait,
// the expected wait, a QR code to join, a clock. Fed by the same per-queue broadcast as the
// student pages; it keeps the newest version and reloads itself when the server comes back
// after a long outage (a projector runs unattended for hours).
export default {
  // Layout and colours: components/board.py. The section headings stay <div>s followed by
  // their entries (tests/e2e/conftest.py finds "Now at the desk" and "Next" that way).
  template: `
    <div class="eq-board">
      <header class="eq-board-top">
        <h1 class="eq-board-subject">{{ subject }}</h1>
        <span class="eq-board-state" :class="'eq-state-' + current.state">{{ labels[current.state] }}</span>
        <div class="eq-board-clock">{{ clock }}</div>
      </header>
      <main class="eq-board-main">
        <section ref="queue" class="eq-board-queue" :class="{ 'eq-next-2': columns === 2, 'eq-next-long': columns === 2 && fullNames }">
          <div class="eq-board-label" role="heading" aria-level="2">{{ labels.serving }}</div>
          <div v-if="!called.length" class="eq-board-none">—</div>
          <div v-for="entry in called" :key="entry.id" class="eq-board-serving" :class="servingSize">
            <span><img v-if="pictures && entry.pic" class="eq-board-picture" :src="pictureOf(entry)" :alt="nameOf(entry)" />{{ nameOf(entry) }}</span>
          </div>
          <div class="eq-board-label eq-board-then" role="heading" aria-level="2">{{ labels.next }}</div>
          <div v-if="!waiting.length" class="eq-board-empty">{{ labels.empty }}</div>
          <div v-for="entry in shown" :key="entry.id" class="eq-board-next">
            <span class="eq-board-pos">{{ entry.draw ? "–" : entry.position }}</span>
            <img v-if="pictures && entry.pic" class="eq-board-picture" :src="pictureOf(entry)" :alt="nameOf(entry)" />
            <span class="eq-board-who">
              <span class="eq-board-name">{{ nameOf(entry) }}</span>
              <span v-if="entry.status === 'frozen'" class="eq-board-tag">{{ labels.frozen }}</span>
              <span v-if="entry.draw" class="eq-board-tag">{{ labels.draw }}</span>
            </span>
          </div>
          <div v-if="waiting.length > shown.length" class="eq-board-more">{{ moreText }}</div>
        </section>
        <aside class="eq-board-join">
          <div class="eq-board-qr" role="img" :aria-label="labels.qr" :title="joinLink" :data-link="joinLink" v-html="qrSvg"></div>
          <div class="eq-board-join-label">{{ labels.join }}</div>
          <div class="eq-board-link">{{ shortLink }}</div>
          <div v-if="code" class="eq-board-code">
            <span class="eq-board-label">{{ labels.code }}</span>
            <span class="eq-board-code-digits" data-testid="presence-code">{{ code }}</span>
          </div>
          <div class="eq-board-count">
            <span class="eq-board-count-n">{{ current.waiting_count }}</span>
            <span class="eq-board-label">{{ counted(labels.waiting, current.waiting_count) }}</span>
          </div>
          <div class="eq-board-estimate">{{ waitText }}</div>
        </aside>
      </main>
    </div>
  `,
  props: {
    initial: String,
    queueId: Number,
    subject: String,
    labels: Object,
    fullNames: Boolean,
    pictures: Boolean, // the subject allows people's pictures on its board
    qrSvg: String,
    shortLink: String,
    // The presence code and the QR code's link carrying it: both from the server, which
    // sends new ones as the code changes (components/board.py).
    code: String,
    joinLink: String,
  },
  data() {
    return { current: JSON.parse(this.initial), clock: "", lostSince: null, trimmed: 0 };
  },
  computed: {
    called() {
      return this.current.entries.filter((entry) => entry.status === "called");
    },
    waiting() {
      return this.current.entries.filter((entry) => entry.status !== "called");
    },
    servingSize() {
      // Smaller for more people at the desk, and for a long name (it may take two lines).
      const longest = Math.max(0, ...this.called.map((entry) => this.nameOf(entry).length));
      const step = Math.max(this.called.length, 1) + (longest > 16 ? 1 : 0);
      return "eq-serving-" + Math.min(step, 3);
    },
    rows() {
      // What fits under the desk's names at their size (components/board.py), less what the
      // screen showed it cannot hold (fit()).
      return Math.max(1, [6, 6, 5, 4, 3][Math.min(this.called.length, 4)] - this.trimmed);
    },
    columns() {
      // A second column only when one is not enough: a single one leaves room for long names.
      // (An upright screen shows them all in one column: components/board.py.)
      return this.waiting.length > this.rows ? 2 : 1;
    },
    shown() {
      return this.waiting.slice(0, this.columns * this.rows);
    },
    moreText() {
      return this.counted(this.labels.more, this.waiting.length - this.shown.length);
    },
    pluralRules() {
      return new Intl.PluralRules(this.labels.lang);
    },
    waitText() {
      // Computed by the server for every screen alike (equeue_ui/services/estimates.py).
      const wait = this.current.newcomer_wait;
      if (!wait) return this.labels.no_estimate;
      if (wait[1] === 0) return this.labels.next_now;
      return this.labels.estimate.replace("{low}", wait[0]).replace("{high}", wait[1]);
    },
  },
  methods: {
    // A text with a count: the server sends its form for each plural category of the
    // reader's language (components/i18n.py, _forms).
    counted(forms, n) {
      return (forms[this.pluralRules.select(n)] ?? forms.other).replace("{n}", n);
    },
    pictureOf(entry) {
      return `/pictures/${entry.user_id}/${entry.pic}.webp`;
    },
    nameOf(entry) {
      return this.fullNames ? entry.name : entry.short;
    },
    fit() {
      // A row less until the queue's part of the screen holds what it shows (long names that
      // wrap, several people at the desk): "and N more" says the rest, nothing is cut off.
      const queue = this.$refs.queue;
      if (this.gone || !queue || queue.scrollHeight <= queue.clientHeight + 1 || this.rows <= 1) return;
      this.trimmed += 1;
      this.$nextTick(this.fit);
    },
    tick() {
      const now = new Date();
      this.clock = now.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
      // Watchdog: after a long outage NiceGUI may have given up; reload once the server answers.
      if (window.socket && !window.socket.connected) {
        this.lostSince = this.lostSince || now;
        if (now - this.lostSince > 30000 && now.getSeconds() % 10 === 0) {
          fetch("/healthz", { cache: "no-store" })
            .then((response) => response.ok && window.location.reload())
            .catch(() => {});
        }
      } else {
        this.lostSince = null;
      }
    },
  },
  watch: {
    current() {
      this.refit();
    },
  },
  mounted() {
    this.receive = (snapshot) => {
      if (snapshot.queue_id === this.queueId && snapshot.version > this.current.version) {
        this.current = snapshot;
      }
    };
    this.refit = () => {
      this.trimmed = 0;
      this.$nextTick(this.fit);
    };
    window.addEventListener("resize", this.refit);
    this.refit();
    // As in queue_view.js: attached in a microtask, after NiceGUI's root has created the
    // socket and before the socket can receive the snapshot the server sends on connecting.
    const attach = () => {
      if (this.gone) return;
      if (window.socket) window.socket.on("queue_snapshot", this.receive);
      else setTimeout(attach, 50);
    };
    queueMicrotask(attach);
    this.tick();
    this.timer = setInterval(this.tick, 1000);
  },
  unmounted() {
    this.gone = true;
    clearInterval(this.timer);
    window.socket?.off("queue_snapshot", this.receive);
    window.removeEventListener("resize", this.refit);
  },
};
