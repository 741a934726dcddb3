INSERT INTO outbox (recipient, subject, text_body, html_body, created_at, next_attempt_at)
VALUES (:recipient, :subject, :text_body, :html_body, :created_at, :created_at)
