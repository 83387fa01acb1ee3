/**
 * The webchat widget's texts in each language it speaks, written for that language's readers.
 * The session endpoint returns one set, chosen from the browser's language; the widget itself
 * carries only the few texts it shows before a session exists.
 */
export const WIDGET_TEXTS = {
  en: {
    title: 'Chat with us', subtitle: 'Ask us anything. We’re happy to help.',
    greeting: 'Hi there! How can we help you today?', close: 'Close chat',
    placeholder: 'Type your message…', messageLabel: 'Your message', send: 'Send',
    typing: 'Typing…', human: 'Talk to a person',
    handedOff: 'We’ve let our team know. Someone will be with you shortly.',
    details: 'Your details', detailsHint: 'Share your email so we can reply even after you leave this page.',
    addDetails: 'Add your email', name: 'Name', email: 'Email', save: 'Save', saved: 'Thanks! We’ve saved your details.',
    privacy: 'Privacy policy', you: 'You', assistant: 'Assistant',
    sendFailed: 'Your message wasn’t sent. Please try again.',
    rateLimited: 'You’re sending messages too quickly. Please wait a moment.',
    invalidEmail: 'Please enter a valid email address.', offline: 'Connection lost. Reconnecting…'
  },
  nl: {
    title: 'Chat met ons', subtitle: 'Stel gerust je vraag. We helpen je graag.',
    greeting: 'Hallo! Waarmee kunnen we je helpen?', close: 'Chat sluiten',
    placeholder: 'Typ je bericht…', messageLabel: 'Je bericht', send: 'Versturen',
    typing: 'Typt…', human: 'Chat met een medewerker',
    handedOff: 'We hebben een collega gevraagd je te helpen. Je hoort zo van ons.',
    details: 'Je gegevens', detailsHint: 'Laat je e-mailadres achter, dan kunnen we je ook antwoorden als je deze pagina verlaat.',
    addDetails: 'E-mailadres toevoegen', name: 'Naam', email: 'E-mailadres', save: 'Opslaan', saved: 'Bedankt, we hebben je gegevens opgeslagen.',
    privacy: 'Privacybeleid', you: 'Jij', assistant: 'Assistent',
    sendFailed: 'Je bericht is niet verstuurd. Probeer het opnieuw.',
    rateLimited: 'Je stuurt berichten te snel achter elkaar. Wacht even.',
    invalidEmail: 'Vul een geldig e-mailadres in.', offline: 'Geen verbinding. We proberen het opnieuw…'
  },
  fr: {
    title: 'Discutez avec nous', subtitle: 'Posez-nous vos questions, nous sommes là pour vous aider.',
    greeting: 'Bonjour\u00a0! Comment pouvons-nous vous aider\u00a0?', close: 'Fermer la discussion',
    placeholder: 'Écrivez votre message…', messageLabel: 'Votre message', send: 'Envoyer',
    typing: 'En train d’écrire…', human: 'Parler à un conseiller',
    handedOff: 'Nous avons prévenu notre équipe. Quelqu’un va vous répondre dans un instant.',
    details: 'Vos coordonnées', detailsHint: 'Laissez votre adresse e-mail pour que nous puissions vous répondre même si vous quittez la page.',
    addDetails: 'Ajouter votre e-mail', name: 'Nom', email: 'Adresse e-mail', save: 'Enregistrer', saved: 'Merci, vos coordonnées sont enregistrées.',
    privacy: 'Politique de confidentialité', you: 'Vous', assistant: 'Assistant',
    sendFailed: 'Votre message n’a pas été envoyé. Veuillez réessayer.',
    rateLimited: 'Vous envoyez des messages trop rapidement. Patientez un instant.',
    invalidEmail: 'Veuillez saisir une adresse e-mail valide.', offline: 'Connexion perdue. Reconnexion en cours…'
  },
  de: {
    title: 'Schreiben Sie uns', subtitle: 'Fragen Sie uns einfach, wir helfen gern.',
    greeting: 'Hallo! Wie können wir Ihnen helfen?', close: 'Chat schließen',
    placeholder: 'Nachricht eingeben …', messageLabel: 'Ihre Nachricht', send: 'Senden',
    typing: 'Schreibt …', human: 'Mit unserem Team sprechen',
    handedOff: 'Wir haben unser Team informiert. Gleich meldet sich jemand bei Ihnen.',
    details: 'Ihre Kontaktdaten', detailsHint: 'Hinterlassen Sie Ihre E-Mail-Adresse, damit wir Ihnen auch antworten können, wenn Sie die Seite verlassen.',
    addDetails: 'E-Mail-Adresse angeben', name: 'Name', email: 'E-Mail-Adresse', save: 'Speichern', saved: 'Danke, Ihre Kontaktdaten sind gespeichert.',
    privacy: 'Datenschutzerklärung', you: 'Sie', assistant: 'Assistent',
    sendFailed: 'Ihre Nachricht wurde nicht gesendet. Bitte versuchen Sie es erneut.',
    rateLimited: 'Sie senden zu viele Nachrichten auf einmal. Bitte warten Sie einen Moment.',
    invalidEmail: 'Bitte geben Sie eine gültige E-Mail-Adresse ein.', offline: 'Verbindung unterbrochen. Neuer Versuch …'
  }
} as const;

export type WidgetLanguage = keyof typeof WIDGET_TEXTS;
export type WidgetTexts = Record<keyof (typeof WIDGET_TEXTS)['en'], string>;
// The widget carries its own launcher label and "chat not available" text, shown before a session.

/** Returns the texts for a BCP-47 tag such as "nl-BE" by its language, falling back to English. */
export function widgetTextsFor(locale: string | undefined): { language: WidgetLanguage; texts: WidgetTexts } {
  const language = (locale ?? '').slice(0, 2).toLowerCase();
  if (language in WIDGET_TEXTS) return { language: language as WidgetLanguage, texts: WIDGET_TEXTS[language as WidgetLanguage] };
  return { language: 'en', texts: WIDGET_TEXTS.en };
}
