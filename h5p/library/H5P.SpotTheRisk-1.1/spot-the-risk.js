/**
 * H5P.SpotTheRisk: a short chat conversation; the learner marks the messages that are
 * unsafe, presses Check, and reads why each message is or is not risky.
 *
 * Plain DOM plus the H5P core API of the player frame (H5P.EventDispatcher, xAPI). No
 * other H5P library, no network, no HTML from the parameters: every text is set with
 * textContent after decoding the HTML entities H5P puts in plain-text fields.
 *
 * Scoring: one point per message classified correctly (marked if risky, not marked if
 * safe); the maximum is the number of messages. State: {selected: [indices], checked}.
 */
var H5P = window.H5P = window.H5P || {};

H5P.SpotTheRisk = (function (EventDispatcher) {
  'use strict';

  var DEFAULT_L10N = {
    instructions: 'Tap a message to mark it as risky. Tap it again to unmark it.',
    chatLabel: 'Chat conversation',
    checkAnswer: 'Check',
    tryAgain: 'Try again',
    selectedLabel: 'Marked as risky',
    notSelectedLabel: 'Not marked',
    riskyLabel: 'This message is risky',
    safeLabel: 'This message is safe',
    correctLabel: 'Correct',
    incorrectLabel: 'Not quite',
    scoreText: 'You got @score out of @total messages right.',
    allCorrectText: 'Well done! You spotted every risk.',
    notAllCorrectText: 'Read why under each message, then try again.'
  };
  var DEFAULT_TASK = 'Read the chat. Select every message that is risky, then press Check.';

  var instanceCounter = 0;

  /**
   * Plain-text fields arrive HTML-escaped from H5P editors and from pyh5p
   * ("&amp;", "&lt;", "&#039;"). A <textarea> parses its content as text only (RCDATA):
   * entities are decoded, tags stay literal text, nothing runs.
   */
  function decode(value) {
    if (typeof value !== 'string') {
      return '';
    }
    var area = document.createElement('textarea');
    area.innerHTML = value;
    return area.value;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  /** Reads a saved state (object or JSON string); anything invalid gives null. */
  function parseState(raw, count) {
    var state = raw;
    if (typeof state === 'string') {
      try {
        state = JSON.parse(state);
      }
      catch (error) {
        return null;
      }
    }
    if (!state || typeof state !== 'object' || !Array.isArray(state.selected)) {
      return null;
    }
    var seen = {};
    var selected = [];
    for (var i = 0; i < state.selected.length; i++) {
      var index = state.selected[i];
      if (typeof index !== 'number' || index % 1 !== 0 || index < 0 || index >= count) {
        return null;
      }
      if (!seen[index]) {
        seen[index] = true;
        selected.push(index);
      }
    }
    selected.sort(function (a, b) { return a - b; });
    return {selected: selected, checked: state.checked === true};
  }

  /**
   * @class
   * @param {Object} params content.json
   * @param {number|string} contentId
   * @param {Object} [contentData] previousState, metadata, ... from the H5P core
   */
  function SpotTheRisk(params, contentId, contentData) {
    EventDispatcher.call(this);
    params = params || {};
    contentData = contentData || {};
    instanceCounter += 1;

    this.contentId = contentId;
    this.contentData = contentData;
    this.uid = 'h5p-str-' + instanceCounter;

    var l10n = {};
    var given = params.l10n || {};
    for (var key in DEFAULT_L10N) {
      if (Object.prototype.hasOwnProperty.call(DEFAULT_L10N, key)) {
        l10n[key] = (typeof given[key] === 'string' && given[key].trim() !== '')
          ? decode(given[key]) : DEFAULT_L10N[key];
      }
    }
    this.l10n = l10n;
    this.taskDescription = typeof params.taskDescription === 'string'
      ? decode(params.taskDescription) : DEFAULT_TASK;
    this.enableRetry = !(params.behaviour && params.behaviour.enableRetry === false);

    this.messages = (Array.isArray(params.messages) ? params.messages : [])
      .filter(function (message) {
        return message && typeof message === 'object';
      })
      .map(function (message) {
        return {
          sender: decode(message.sender),
          text: decode(message.text),
          own: message.isOwnMessage === true,
          risky: message.risky === true,
          explanation: decode(message.explanation)
        };
      });

    this.selected = this.messages.map(function () { return false; });
    this.checked = false;
    this.solutionsShown = false;
    this.items = [];

    var state = parseState(contentData.previousState, this.messages.length);
    if (state) {
      for (var i = 0; i < state.selected.length; i++) {
        this.selected[state.selected[i]] = true;
      }
      this.checked = state.checked;
    }
  }

  SpotTheRisk.prototype = Object.create(EventDispatcher.prototype);
  SpotTheRisk.prototype.constructor = SpotTheRisk;

  /**
   * Builds the task inside the container the core gives (a jQuery object or an element).
   */
  SpotTheRisk.prototype.attach = function ($container) {
    var self = this;
    var container = ($container && $container.jquery) ? $container.get(0) : $container;
    var l10n = this.l10n;

    // Start time for result.duration. Not setActivityStarted(): it would send an extra
    // "attempted" statement, and Check must send one statement only.
    if (this.activityStartTime === undefined) {
      this.activityStartTime = Date.now();
    }

    // The player's iframe document has no title (WCAG 2.4.2); this content owns it.
    if (window.self !== window.top && !document.title &&
        typeof this.isRoot === 'function' && this.isRoot()) {
      document.title = this.getTitle();
    }

    container.classList.add('h5p-spot-the-risk');
    container.textContent = '';
    var language = this.contentData.metadata && this.contentData.metadata.defaultLanguage;
    if (typeof language === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(language)) {
      container.setAttribute('lang', language);
    }

    var task = element('p', 'h5p-str-task', this.taskDescription);
    task.id = this.uid + '-task';
    container.appendChild(task);

    var instructions = element('p', 'h5p-str-instructions', l10n.instructions);
    instructions.id = this.uid + '-instructions';
    container.appendChild(instructions);

    var list = element('ul', 'h5p-str-chat');
    list.setAttribute('aria-label', l10n.chatLabel);
    container.appendChild(list);

    this.items = this.messages.map(function (message, index) {
      var item = element('li', 'h5p-str-message' + (message.own ? ' h5p-str-own' : ''));

      var toggle = element('button', 'h5p-str-toggle');
      toggle.type = 'button';
      toggle.setAttribute('aria-pressed', 'false');
      var feedbackId = self.uid + '-feedback-' + index;
      toggle.setAttribute('aria-describedby', feedbackId);

      var sender = element('span', 'h5p-str-sender', message.sender);
      // A colon after the name for screen readers: "Sender: text".
      sender.appendChild(element('span', 'h5p-str-visually-hidden', ':'));
      toggle.appendChild(sender);
      toggle.appendChild(element('span', 'h5p-str-text', message.text));
      // The pressed state is in aria-pressed; this label shows it without colour and is
      // hidden from screen readers so that the button's name does not change.
      var mark = element('span', 'h5p-str-mark');
      mark.setAttribute('aria-hidden', 'true');
      toggle.appendChild(mark);

      toggle.addEventListener('click', function () {
        self.toggle(index);
      });

      var feedback = element('div', 'h5p-str-feedback');
      feedback.id = feedbackId;
      feedback.hidden = true;

      item.appendChild(toggle);
      item.appendChild(feedback);
      list.appendChild(item);
      return {item: item, toggle: toggle, mark: mark, feedback: feedback};
    });

    var buttons = element('div', 'h5p-str-buttons');
    this.checkButton = element('button', 'h5p-str-button h5p-str-check', l10n.checkAnswer);
    this.checkButton.type = 'button';
    this.checkButton.addEventListener('click', function () {
      self.check();
    });
    this.retryButton = element('button', 'h5p-str-button h5p-str-retry', l10n.tryAgain);
    this.retryButton.type = 'button';
    this.retryButton.addEventListener('click', function () {
      self.resetTask();
      if (self.items.length) {
        self.items[0].toggle.focus();
      }
    });
    buttons.appendChild(this.checkButton);
    buttons.appendChild(this.retryButton);
    container.appendChild(buttons);

    // Present (and empty) from the start, so that assistive technology announces changes.
    this.result = element('div', 'h5p-str-result');
    this.result.setAttribute('role', 'status');
    this.result.setAttribute('aria-live', 'polite');
    this.result.setAttribute('aria-atomic', 'true');
    this.result.tabIndex = -1;
    container.appendChild(this.result);

    this.container = container;
    this.render();
  };

  /** Marks or unmarks a message; ignored once the answers are checked. */
  SpotTheRisk.prototype.toggle = function (index) {
    if (this.checked || this.solutionsShown || index < 0 || index >= this.selected.length) {
      return;
    }
    this.selected[index] = !this.selected[index];
    this.render();
  };

  /** Shows the feedback and the score, and sends one xAPI "answered" statement. */
  SpotTheRisk.prototype.check = function () {
    if (this.checked) {
      return;
    }
    this.checked = true;
    this.render();
    this.trigger(this.createAnsweredEvent());
    var next = this.enableRetry ? this.retryButton : this.result;
    if (next) {
      next.focus();
    }
  };

  SpotTheRisk.prototype.isCorrect = function (index) {
    return this.selected[index] === this.messages[index].risky;
  };

  /** One point per message classified correctly; 0 while nothing is answered. */
  SpotTheRisk.prototype.getScore = function () {
    if (!this.getAnswerGiven()) {
      return 0;
    }
    var score = 0;
    for (var i = 0; i < this.messages.length; i++) {
      if (this.isCorrect(i)) {
        score += 1;
      }
    }
    return score;
  };

  SpotTheRisk.prototype.getMaxScore = function () {
    return this.messages.length;
  };

  SpotTheRisk.prototype.getAnswerGiven = function () {
    return this.checked || this.selected.indexOf(true) !== -1;
  };

  SpotTheRisk.prototype.getSelectedIndices = function () {
    var result = [];
    for (var i = 0; i < this.selected.length; i++) {
      if (this.selected[i]) {
        result.push(i);
      }
    }
    return result;
  };

  SpotTheRisk.prototype.getCurrentState = function () {
    return {selected: this.getSelectedIndices(), checked: this.checked};
  };

  /** Reveals which messages are risky and why, without changing the learner's answer. */
  SpotTheRisk.prototype.showSolutions = function () {
    this.solutionsShown = true;
    this.render();
  };

  SpotTheRisk.prototype.resetTask = function () {
    this.selected = this.messages.map(function () { return false; });
    this.checked = false;
    this.solutionsShown = false;
    this.activityStartTime = Date.now();
    this.render();
  };

  SpotTheRisk.prototype.getTitle = function () {
    var metadata = this.contentData && this.contentData.metadata;
    var title = metadata && typeof metadata.title === 'string' && metadata.title.trim()
      ? metadata.title : (this.taskDescription || 'Spot the risk');
    return H5P.createTitle ? H5P.createTitle(title) : title;
  };

  /** The xAPI object definition: a "choice" interaction whose choices are the messages. */
  SpotTheRisk.prototype.getXAPIDefinition = function () {
    var correct = [];
    var choices = this.messages.map(function (message, index) {
      if (message.risky) {
        correct.push(String(index));
      }
      return {
        id: String(index),
        description: {'en-US': message.sender + ': ' + message.text}
      };
    });
    return {
      name: {'en-US': this.getTitle()},
      description: {'en-US': this.taskDescription},
      type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
      interactionType: 'choice',
      choices: choices,
      correctResponsesPattern: [correct.join('[,]')]
    };
  };

  /**
   * The "answered" statement. result.response holds only the indices of the marked
   * messages ("1[,]4"), never free text.
   */
  SpotTheRisk.prototype.createAnsweredEvent = function () {
    var event = this.createXAPIEventTemplate('answered');
    var definition = event.getVerifiedStatementValue(['object', 'definition']);
    var extra = this.getXAPIDefinition();
    if (definition) {
      for (var key in extra) {
        if (Object.prototype.hasOwnProperty.call(extra, key)) {
          definition[key] = extra[key];
        }
      }
    }
    var score = this.getScore();
    var max = this.getMaxScore();
    event.setScoredResult(score, max, this, true, score === max);
    event.data.statement.result.response = this.getSelectedIndices().join('[,]');
    return event;
  };

  /** For parents (e.g. a question set) collecting reports. */
  SpotTheRisk.prototype.getXAPIData = function () {
    return {statement: this.createAnsweredEvent().data.statement};
  };

  SpotTheRisk.prototype.render = function () {
    if (!this.container) {
      return;
    }
    var l10n = this.l10n;
    var reveal = this.checked || this.solutionsShown;
    var locked = reveal;

    for (var i = 0; i < this.items.length; i++) {
      var parts = this.items[i];
      var message = this.messages[i];
      var selected = this.selected[i];

      parts.toggle.setAttribute('aria-pressed', selected ? 'true' : 'false');
      parts.mark.textContent = selected ? l10n.selectedLabel : l10n.notSelectedLabel;
      parts.item.classList.toggle('h5p-str-selected', selected);
      // Still focusable when locked, so that the feedback it describes can be read.
      if (locked) {
        parts.toggle.setAttribute('aria-disabled', 'true');
      }
      else {
        parts.toggle.removeAttribute('aria-disabled');
      }

      parts.item.classList.remove('h5p-str-correct', 'h5p-str-incorrect', 'h5p-str-solution');
      parts.feedback.textContent = '';
      parts.feedback.hidden = !reveal;
      if (reveal) {
        var line = element('p', 'h5p-str-verdict');
        if (this.checked) {
          var right = this.isCorrect(i);
          parts.item.classList.add(right ? 'h5p-str-correct' : 'h5p-str-incorrect');
          line.appendChild(element('strong', 'h5p-str-outcome',
            right ? l10n.correctLabel : l10n.incorrectLabel));
          line.appendChild(document.createTextNode(' \u00b7 '));
        }
        else {
          parts.item.classList.add('h5p-str-solution');
        }
        line.appendChild(element('strong', 'h5p-str-kind ' + (message.risky ? 'h5p-str-kind-risky' : 'h5p-str-kind-safe'),
          message.risky ? l10n.riskyLabel : l10n.safeLabel));
        parts.feedback.appendChild(line);
        if (message.explanation) {
          parts.feedback.appendChild(element('p', 'h5p-str-explanation', message.explanation));
        }
      }
    }

    if (this.checkButton) {
      this.checkButton.hidden = reveal;
      this.retryButton.hidden = !(this.enableRetry && reveal);
    }

    if (this.result) {
      this.result.textContent = '';
      if (this.checked) {
        var score = this.getScore();
        var max = this.getMaxScore();
        this.result.appendChild(element('p', 'h5p-str-score',
          l10n.scoreText.replace(/@score/g, String(score)).replace(/@total/g, String(max))));
        this.result.appendChild(element('p', 'h5p-str-summary',
          score === max ? l10n.allCorrectText : l10n.notAllCorrectText));
      }
    }
    this.trigger('resize');
  };

  return SpotTheRisk;
})(H5P.EventDispatcher);
