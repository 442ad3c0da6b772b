# A minimal Rails 6.1 app (Debian's ruby-rails) run by puma in production: health, a page, an action that
# raises (Rails' public 500 page) and, with ALLOWED_HOST set, Rails' host authorization.
require "rails"
require "action_controller/railtie"

class ShopApp < Rails::Application
  config.root = ENV.fetch("RAILS_ROOT", __dir__)
  config.eager_load = true
  config.logger = Logger.new(nil)
  config.secret_key_base = "integration-test-only-" + "0" * 40
  config.consider_all_requests_local = false
  config.public_file_server.enabled = true
  config.hosts = ENV["ALLOWED_HOST"] ? [ENV["ALLOWED_HOST"]] : []
  # Health probes bypass the host check, as the Rails 7.1 guide recommends for load balancers.
  config.host_authorization = { exclude: ->(request) { request.path == "/up" } }
  routes.append do
    get "/up" => "shop#health"
    get "/" => "shop#index"
    get "/orders" => "shop#orders"
  end
end

class ShopController < ActionController::Base
  def health = render(plain: "ok")
  def index = render(html: "<h1>shop</h1>".html_safe)
  def orders = raise("the orders table is missing")
end

ShopApp.initialize!
run ShopApp
