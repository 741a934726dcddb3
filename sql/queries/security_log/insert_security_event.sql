INSERT INTO security_log (at, user_id, email, event, client_address, browser, detail)
VALUES (:at, :user_id, :email, :event, :client_address, :browser, :detail)
