// The classroom board: who is at the desk in very large type, who is next, how many wait,
// the expected wait, a QR code to join, a clock. Fed by the same per-queue broadcast as the
// student pages; it keeps the newest version and reloads itself when the server comes back
// after a long outage (a projector runs unattended for hours).
export default {
  template: `
    <div class="eq-board column no-wrap full-width" style="height: 100vh; padding: 2vh 3vw; gap: 2vh">
      <div class="row items-center no-wrap" style="gap: 2vw">
        <div class="text-weight-bold ellipsis" style="font-size: 4.2vh; flex: 1 1 auto; min-width: 0">{{ subject }}</div>
        <q-badge :color="stateColor" style="font-size: 2.6vh; padding: 0.6vh 1.2vw">{{ labels[current.state] }}</q-badge>
        <div class="text-weight-medium" style="font-size: 4.2vh; font-variant-numeric: tabular-nums">{{ clock }}</div>
      </div>
      <div class="row no-wrap" style="flex: 1 1 auto; gap: 3vw; min-height: 0">
        <div class="column no-wrap" style="flex: 2 1 0; min-width: 0; gap: 2vh">
          <div class="text-uppercase text-grey-7" style="font-size: 2.6vh">{{ labels.serving }}</div>
          <div v-if="!called.length" class="text-grey-6" style="font-size: 6vh">—</div>
          <div v-for="entry in called" :key="entry.id" class="text-weight-bold ellipsis text-positive"
               style="font-size: 9vh; line-height: 1.1">{{ nameOf(entry) }}</div>
          <div class="text-uppercase text-grey-7" style="font-size: 2.6vh; margin-top: 2vh">{{ labels.next }}</div>
          <div v-if="!waiting.length" class="text-grey-6" style="font-size: 4vh">{{ labels.empty }}</div>
          <div v-for="entry in waiting.slice(0, 6)" :key="entry.id" class="row items-center no-wrap"
               style="font-size: 5vh; gap: 2vw; line-height: 1.25">
            <span class="text-grey-6" style="width: 4vw; text-align: right; font-variant-numeric: tabular-nums">{{ entry.position }}</span>
            <span class="ellipsis" :class="entry.status === 'frozen' ? 'text-grey-6' : ''">{{ nameOf(entry) }}</span>
          </div>
        </div>
        <div class="column items-center no-wrap" style="flex: 1 1 0; min-width: 0; gap: 2vh">
          <div class="text-uppercase text-grey-7" style="font-size: 2.6vh">{{ labels.waiting }}</div>
          <div class="text-weight-bold" style="font-size: 14vh; line-height: 1">{{ waiting.length }}</div>
          <div class="text-grey-8 text-center" style="font-size: 2.8vh">{{ waitText }}</div>
          <div v-html="qrSvg" style="width: 26vh; height: 26vh; background: white; padding: 1vh; border-radius: 1vh"></div>
          <div class="text-center" style="font-size: 2.6vh">{{ labels.join }}<br><b>{{ shortLink }}</b></div>
        </div>
      </div>
    </div>
  `,
  props: {
    initial: String,
    queueId: Number,
    subject: String,
    labels: Object,
    fullNames: Boolean,
    qrSvg: String,
    shortLink: String,
  },
  data() {
    return { current: JSON.parse(this.initial), clock: "", lostSince: null };
  },
  computed: {
    stateColor() {
      return { open: "positive", paused: "warning", closed: "grey" }[this.current.state];
    },
    called() {
      return this.current.entries.filter((entry) => entry.status === "called");
    },
    waiting() {
      return this.current.entries
        .map((entry, index) => ({ ...entry, position: index + 1 }))
        .filter((entry) => entry.status !== "called");
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
    nameOf(entry) {
      return this.fullNames ? entry.name : entry.short;
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
  mounted() {
    this.receive = (snapshot) => {
      if (snapshot.queue_id === this.queueId && snapshot.version > this.current.version) {
        this.current = snapshot;
      }
    };
    const attach = () => {
      if (this.gone) return;
      if (window.socket) window.socket.on("queue_snapshot", this.receive);
      else setTimeout(attach, 50);
    };
    attach();
    this.tick();
    this.timer = setInterval(this.tick, 1000);
  },
  unmounted() {
    this.gone = true;
    clearInterval(this.timer);
    window.socket?.off("queue_snapshot", this.receive);
  },
};
