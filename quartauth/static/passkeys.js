// Passkeys, for the pages that offer them. Each form marked data-passkey ("get" or "create")
// stays hidden (or its button does) until this script finds WebAuthn in the browser. Its
// button takes the options from the page (data-options-json) or asks the server for them
// (data-options, a POST with the page's CSRF token), hands them to the browser, and posts the browser's answer, as JSON in the form's
// "passkey" field, like any other form. A form marked data-autofill also offers the
// passkeys in the email field's suggestions (conditional mediation). Pages work without it.
(() => {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  const bytes = (text) => {
    const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return Uint8Array.from(binary, (character) => character.charCodeAt(0));
  };
  const text = (buffer) => {
    if (!buffer) return null;
    let binary = "";
    for (const byte of new Uint8Array(buffer)) binary += String.fromCharCode(byte);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  };
  const withIds = (list) => (list || []).map((item) => ({ ...item, id: bytes(item.id) }));

  const requestOptions = (options) => ({
    ...options,
    challenge: bytes(options.challenge),
    allowCredentials: withIds(options.allowCredentials),
  });
  const creationOptions = (options) => ({
    ...options,
    challenge: bytes(options.challenge),
    user: { ...options.user, id: bytes(options.user.id) },
    excludeCredentials: withIds(options.excludeCredentials),
  });

  // The browser's answer, as the server reads it (the WebAuthn JSON encoding).
  const answer = (credential) => {
    const response = credential.response;
    const encoded = { clientDataJSON: text(response.clientDataJSON) };
    if (response.attestationObject) {
      encoded.attestationObject = text(response.attestationObject);
      encoded.transports = response.getTransports ? response.getTransports() : [];
    } else {
      encoded.authenticatorData = text(response.authenticatorData);
      encoded.signature = text(response.signature);
      encoded.userHandle = text(response.userHandle);
    }
    return JSON.stringify({
      id: credential.id,
      rawId: text(credential.rawId),
      type: credential.type,
      response: encoded,
      clientExtensionResults: credential.getClientExtensionResults(),
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
    });
  };

  const MESSAGES = {
    NotAllowedError: "No passkey was used. Try again, or use your password.",
    InvalidStateError: "This device has a passkey for your account already.",
    SecurityError: "Passkeys do not work at this address.",
  };

  const setUp = (form) => {
    const status = form.querySelector("[data-passkey-status]");
    const start = form.querySelector("[data-passkey-start]");
    const field = form.querySelector("input[name=passkey]");
    const csrf = form.querySelector("input[name=csrf_token]");
    const say = (message) => { if (status) status.textContent = message; };
    let waiting = null; // the autofill request, ended when the button is used

    // The options: on the page (adding a passkey), or asked for (the others).
    const options = async () => {
      if (form.dataset.optionsJson) return JSON.parse(form.dataset.optionsJson);
      const response = await fetch(form.dataset.options, {
        method: "POST",
        headers: { "X-CSRFToken": csrf ? csrf.value : "", Accept: "application/json" },
        credentials: "same-origin",
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(body.error || "The passkey could not be started. Reload the page.");
      return body;
    };

    const send = (credential) => {
      field.value = answer(credential);
      const copied = form.dataset.copy;
      if (copied) {
        const box = document.getElementById(copied); // the checkbox of the page's other form
        form.querySelector(`input[type=hidden][name=${copied}]`).value = box && box.checked ? "y" : "";
      }
      say("Checking your passkey…");
      form.submit();
    };

    const fail = (error) => {
      if (error && error.name === "AbortError") return;
      say(MESSAGES[error && error.name] || (error && error.message) || MESSAGES.NotAllowedError);
      if (start) start.disabled = false;
    };

    const begin = async () => {
      if (waiting) waiting.abort();
      if (start) start.disabled = true;
      say("");
      try {
        const publicKey = await options();
        const credential = form.dataset.passkey === "create"
          ? await navigator.credentials.create({ publicKey: creationOptions(publicKey) })
          : await navigator.credentials.get({ publicKey: requestOptions(publicKey) });
        if (credential) send(credential); else fail(null);
      } catch (error) {
        fail(error);
      }
    };

    const autofill = async () => {
      if (!PublicKeyCredential.isConditionalMediationAvailable) return;
      if (!(await PublicKeyCredential.isConditionalMediationAvailable())) return;
      waiting = new AbortController();
      try {
        const publicKey = await options();
        const credential = await navigator.credentials.get({
          publicKey: requestOptions(publicKey), mediation: "conditional", signal: waiting.signal,
        });
        if (credential) send(credential);
      } catch (error) {
        fail(error);
      }
    };

    form.hidden = false;
    form.querySelectorAll("[data-passkey-shown]").forEach((element) => { element.hidden = false; });
    if (form.dataset.passkey === "create") say("");
    if (start) start.addEventListener("click", begin);
    form.addEventListener("submit", (event) => {
      if (!field.value) { event.preventDefault(); begin(); }
    });
    if ("autofill" in form.dataset) autofill();
  };

  const ready = () => document.querySelectorAll("form[data-passkey]").forEach(setUp);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
