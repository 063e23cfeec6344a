// "Your turn" in the browser: sound, vibration, the tab title and a notification. The server
// sets the `alert` prop ({title, body, strong, n}): the words travel as data, never as code,
// and each new `n` plays once (a re-sent prop with the same `n` does not replay it). A strong
// alert rings until `ringing` goes false (acknowledged, or the call ended): the 🔔 title and
// the notification stay until then, and go at once then.
// Web Push: with `pushKey` (the server's VAPID key) the page can subscribe this browser through
// the service worker (/sw.js); the subscription goes back to the server as the method's answer,
// and on mounting the element tells the server whether this browser is subscribed already.
export default {
  template: "<span hidden></span>",
  props: {
    alert: Object,
    ringing: Boolean,
    pushKey: String,
  },
  data() {
    return { played: 0 };
  },
  watch: {
    alert() {
      this.play();
    },
    ringing(value) {
      if (!value) stopRinging();
    },
    pushKey(value) {
      if (value) this.reportPush();
    },
  },
  mounted() {
    this.play();
    if (this.pushKey) this.reportPush();
  },
  unmounted() {
    stopRinging();
  },
  methods: {
    play() {
      if (!this.alert || this.alert.n <= this.played) return;
      this.played = this.alert.n;
      if (this.alert.strong && !this.ringing) return; // ended before it reached the browser
      playAlert(this.alert.title, this.alert.body, this.alert.strong);
    },
    async reportPush() {
      const found = await currentSubscription();
      this.$emit("push_state", { subscribed: !!found });
    },
    async askNotifications() {
      if (!("Notification" in window)) return "unsupported";
      return await Notification.requestPermission();
    },
    async subscribePush() {
      if (!this.pushKey || !pushSupported()) return null;
      try {
        const registration = await navigator.serviceWorker.register("/sw.js", { scope: "/" });
        await navigator.serviceWorker.ready;
        const subscription =
          (await registration.pushManager.getSubscription()) ||
          (await registration.pushManager.subscribe({
            userVisibleOnly: true,
            applicationServerKey: this.pushKey,
          }));
        const data = subscription.toJSON();
        return {
          endpoint: data.endpoint,
          p256dh: data.keys.p256dh,
          auth: data.keys.auth,
          userAgent: navigator.userAgent,
        };
      } catch (error) {
        return null;
      }
    },
    async unsubscribePush() {
      const subscription = await currentSubscription();
      if (!subscription) return null;
      const endpoint = subscription.endpoint;
      try {
        await subscription.unsubscribe();
      } catch (error) {}
      return endpoint;
    },
  },
};

function pushSupported() {
  return "serviceWorker" in navigator && "PushManager" in window;
}

async function currentSubscription() {
  if (!pushSupported()) return null;
  try {
    const registration = await navigator.serviceWorker.getRegistration("/");
    return registration ? await registration.pushManager.getSubscription() : null;
  } catch (error) {
    return null;
  }
}

function playAlert(title, body, strong) {
  try {
    const context = new (window.AudioContext || window.webkitAudioContext)();
    const beeps = strong ? [0, 0.35, 0.7] : [0];
    for (const start of beeps) {
      const tone = context.createOscillator();
      const gain = context.createGain();
      tone.frequency.value = strong ? 880 : 660;
      gain.gain.setValueAtTime(0.25, context.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.001, context.currentTime + start + 0.3);
      tone.connect(gain).connect(context.destination);
      tone.start(context.currentTime + start);
      tone.stop(context.currentTime + start + 0.3);
    }
  } catch (error) {}
  try {
    if (navigator.vibrate) navigator.vibrate(strong ? [300, 150, 300, 150, 600] : [200]);
  } catch (error) {}
  if (strong) {
    if (window.eqTitle == null) window.eqTitle = document.title;
    document.title = "🔔 " + title;
  }
  if ("Notification" in window && Notification.permission === "granted") {
    try {
      const shown = new Notification(title, { body: body, tag: "equeue-turn", renotify: true });
      if (strong) window.eqNotification = shown;
    } catch (error) {}
  }
}

function stopRinging() {
  if (window.eqTitle != null) document.title = window.eqTitle;
  window.eqTitle = null;
  try {
    window.eqNotification?.close();
  } catch (error) {}
  window.eqNotification = null;
}
